"""Abuse controls for signing: rate limits, block and allow lists, disposable domains,
the honeypot, and the moderators' review of what they hold.

``assess()`` is the one call the signing path makes. It answers a ``Verdict``: clear,
or held with a reason. A held signature is stored, emailed and confirmable like any
other, and the signer sees the same "check your email" answer (the verdict is never
revealed, so an abuser learns nothing from trying), but it is not counted and not
listed until a moderator releases it. Blocked sources are held too, not refused: a
block list that catches an innocent signer costs them nothing a moderator can't undo.

The rules are rows the operator edits in admin. Signing must not query them: each
process keeps them compiled in memory and checks a version number (bumped by
``rules_changed()`` on every edit) at most once a second, so an edit applies
everywhere within about a second. The only writes ``assess`` makes are the rate-limit
hits, all of them in one statement (``ratelimit.hit_many``).

An allow entry beats the limits and block lists of its own dimension: an allowed IP
address or range skips the IP rules and IP blocks; an allowed domain skips the domain
rules, domain blocks and the disposable list. (Allowing gmail.com must not exempt
every Gmail signer from the per-IP limits.) The honeypot is not a limit: a filled one
is held whatever the lists say.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.utils.translation import gettext as _

from clarion.core import ratelimit
from clarion.core.http import ip_source
from clarion.petitions import tasks as petition_tasks
from clarion.petitions.counts import refresh_counts
from clarion.petitions.models import (
    AbuseListEntry,
    AbuseSettings,
    DisposableDomain,
    HoldReason,
    Petition,
    RateRule,
    Review,
    Signature,
    normalise_domain,
)

logger = logging.getLogger(__name__)

# How often a process looks for edited rules (one tiny query per process per period).
RULES_CHECK_SECONDS = 1.0

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- verdicts ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    held: bool = False
    reason: str = ""  # a HoldReason
    detail: str = ""  # which rule or entry, for the moderator

    def signature_fields(self) -> dict[str, object]:
        """The Signature fields that record this verdict."""
        if not self.held:
            return {}
        return {
            "held": True,
            "review": Review.SUSPECT,
            "hold_reason": self.reason,
            "hold_detail": self.detail[:200],
        }


CLEAR = Verdict()


# --- compiled rules ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Limit:
    key: str  # the rule's part of the rate-limit key: scope, rule id, window
    limit: int
    seconds: int
    per_petition: bool
    label: str


@dataclass(frozen=True)
class _Networks:
    """IP addresses and CIDR ranges, matched in one set lookup per prefix length."""

    by_prefix: dict[tuple[int, int], frozenset[IPNetwork]] = field(default_factory=dict)
    labels: dict[IPNetwork, str] = field(default_factory=dict)

    @classmethod
    def of(cls, values: list[str]) -> _Networks:
        grouped: dict[tuple[int, int], set[IPNetwork]] = {}
        labels: dict[IPNetwork, str] = {}
        for value in values:
            try:
                network = ipaddress.ip_network(value, strict=False)
            except ValueError:
                logger.warning("ignoring the abuse list entry %r: not an address or range", value)
                continue
            grouped.setdefault((network.version, network.prefixlen), set()).add(network)
            labels[network] = value
        return cls({k: frozenset(v) for k, v in grouped.items()}, labels)

    def match(self, address: IPAddress | None) -> str | None:
        if address is None:
            return None
        for version, prefix in self.by_prefix:
            if version != address.version:
                continue
            network = ipaddress.ip_network((address, prefix), strict=False)
            if network in self.by_prefix[(version, prefix)]:
                return self.labels[network]
        return None


@dataclass(frozen=True)
class Rules:
    version: int = -1
    enabled: bool = False
    honeypot: bool = False
    ip_limits: tuple[_Limit, ...] = ()
    domain_limits: tuple[_Limit, ...] = ()
    blocked_networks: _Networks = field(default_factory=_Networks)
    allowed_networks: _Networks = field(default_factory=_Networks)
    blocked_domains: frozenset[str] = frozenset()
    allowed_domains: frozenset[str] = frozenset()
    disposable_domains: frozenset[str] = frozenset()


def _limits_of(rule: RateRule) -> list[_Limit]:
    per_petition = rule.scope in (RateRule.Scope.IP_PETITION, RateRule.Scope.DOMAIN_PETITION)
    limits = []
    if rule.burst_limit:
        limits.append(
            _Limit(
                f"r{rule.pk}b{rule.burst_seconds}",
                rule.burst_limit,
                rule.burst_seconds,
                per_petition,
                f"{rule.name}: burst, {rule.burst_limit} per {rule.burst_seconds} s",
            )
        )
    if rule.sustained_limit:
        limits.append(
            _Limit(
                f"r{rule.pk}s{rule.sustained_seconds}",
                rule.sustained_limit,
                rule.sustained_seconds,
                per_petition,
                f"{rule.name}: sustained, {rule.sustained_limit} per {rule.sustained_seconds} s",
            )
        )
    return limits


def _compile(config: AbuseSettings) -> Rules:
    ip_limits: list[_Limit] = []
    domain_limits: list[_Limit] = []
    for rule in RateRule.objects.filter(enabled=True).order_by("pk"):
        if rule.scope in (RateRule.Scope.IP, RateRule.Scope.IP_PETITION):
            ip_limits.extend(_limits_of(rule))
        else:
            domain_limits.extend(_limits_of(rule))
    entries = list(AbuseListEntry.objects.values_list("kind", "action", "value"))

    def values(kind: str, action: str) -> list[str]:
        return [v for k, a, v in entries if k == kind and a == action]

    def domains(action: str) -> frozenset[str]:
        return frozenset(
            filter(None, (normalise_domain(v) for v in values(AbuseListEntry.Kind.DOMAIN, action)))
        )

    return Rules(
        version=config.rules_version,
        enabled=config.enabled,
        honeypot=config.honeypot,
        ip_limits=tuple(ip_limits),
        domain_limits=tuple(domain_limits),
        blocked_networks=_Networks.of(
            values(AbuseListEntry.Kind.NETWORK, AbuseListEntry.Action.BLOCK)
        ),
        allowed_networks=_Networks.of(
            values(AbuseListEntry.Kind.NETWORK, AbuseListEntry.Action.ALLOW)
        ),
        blocked_domains=domains(AbuseListEntry.Action.BLOCK),
        allowed_domains=domains(AbuseListEntry.Action.ALLOW),
        disposable_domains=frozenset(DisposableDomain.objects.values_list("domain", flat=True)),
    )


class _RulesCache:
    """The compiled rules of this process, and when the version was last looked at."""

    def __init__(self) -> None:
        self.rules = Rules()
        self.checked_at = float("-inf")
        self.lock = threading.Lock()

    def get(self) -> Rules:
        if time.monotonic() - self.checked_at < RULES_CHECK_SECONDS:
            return self.rules
        with self.lock:
            if time.monotonic() - self.checked_at < RULES_CHECK_SECONDS:
                return self.rules  # another thread looked while this one waited
            version = (
                AbuseSettings.objects.filter(pk=1).values_list("rules_version", flat=True).first()
            )
            if version is None or version != self.rules.version:
                self.rules = _compile(AbuseSettings.load())
            self.checked_at = time.monotonic()
            return self.rules

    def forget(self) -> None:
        with self.lock:
            self.rules = Rules()
            self.checked_at = float("-inf")


_cache = _RulesCache()


def current_rules() -> Rules:
    return _cache.get()


def forget_rules() -> None:
    """Drop this process's compiled rules; the next signature reads them afresh."""
    _cache.forget()


def rules_changed() -> None:
    """Tell every process that the rules changed (call after any edit to them)."""
    AbuseSettings.load()
    AbuseSettings.objects.filter(pk=1).update(rules_version=F("rules_version") + 1)
    # This process need not wait for its next check.
    transaction.on_commit(forget_rules)
    forget_rules()


# --- assessing a signature ------------------------------------------------------------


def _parse_ip(ip: str | None) -> IPAddress | None:
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is still the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _domain_match(domain: str, domains: frozenset[str]) -> str | None:
    """The entry covering ``domain`` itself or a parent of it (mail.example.org)."""
    if not domains:
        return None
    candidate = domain
    while True:
        if candidate in domains:
            return candidate
        _head, dot, candidate = candidate.partition(".")
        if not dot:
            return None


def _source_key(kind: str, value: str) -> str:
    # Keys stay short and never hold an address in the clear (Redis or the database
    # would otherwise keep IP addresses Clarion promises to store only as hashes).
    secret = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(f"{kind}:{value}".encode(), key=secret, digest_size=12).hexdigest()


def assess(
    *,
    petition: Petition,
    email_key: str,
    ip: str | None,
    honeypot: bool = False,
    per_hour_from_ip: int = 0,
) -> Verdict:
    """Whether a new signature is clear or held, counting it against the rate limits.

    ``email_key`` is the normalised address; ``ip`` the client's, as seen through the
    trusted proxies (an IPv6 client counts as its /64). ``per_hour_from_ip`` is one more
    limit on the source, across petitions (the site's own form has one). Costs no
    query (rules are cached) and at most one write.
    """
    rules = current_rules()
    if honeypot and rules.honeypot:
        return Verdict(True, HoldReason.HONEYPOT, _("the hidden honeypot field was filled in"))
    if not rules.enabled:
        return CLEAR
    address = _parse_ip(ip)
    domain = email_key.rpartition("@")[2]
    ip_checked = address is not None and rules.allowed_networks.match(address) is None
    domain_checked = bool(domain) and _domain_match(domain, rules.allowed_domains) is None

    if ip_checked:
        blocked = rules.blocked_networks.match(address)
        if blocked:
            return Verdict(True, HoldReason.BLOCKED_IP, _("IP block list: %s") % blocked)
    if domain_checked:
        blocked = _domain_match(domain, rules.blocked_domains)
        if blocked:
            return Verdict(True, HoldReason.BLOCKED_DOMAIN, _("domain block list: %s") % blocked)
        disposable = _domain_match(domain, rules.disposable_domains)
        if disposable:
            return Verdict(True, HoldReason.DISPOSABLE, _("disposable domain: %s") % disposable)

    buckets: list[tuple[str, int, int]] = []
    labels: list[str] = []
    ip_limits = list(rules.ip_limits)
    if per_hour_from_ip:
        ip_limits.append(
            _Limit("form", per_hour_from_ip, 3600, False, _("the sign form's limit per address"))
        )
    for checked, limits, source in (
        (ip_checked, ip_limits, f"ip:{ip_source(str(address))}"),
        (domain_checked, rules.domain_limits, f"domain:{domain}"),
    ):
        if not checked or not limits:
            continue
        source_key = _source_key("sign", source)
        for limit in limits:
            scope = f"{source_key}:p{petition.pk}" if limit.per_petition else source_key
            buckets.append((f"abuse:{limit.key}:{scope}", limit.limit, limit.seconds))
            labels.append(limit.label)
    for (allowed, _wait), label in zip(ratelimit.hit_many(buckets), labels, strict=True):
        if not allowed:
            return Verdict(True, HoldReason.RATE_LIMIT, label)
    return CLEAR


# --- the moderators' review -----------------------------------------------------------


@transaction.atomic
def signatures_release(signatures: QuerySet[Signature]) -> int:
    """Count these held signatures after all (those confirmed, once the fold runs).

    Works on suspect and on invalidated signatures alike, so a mistaken invalidation
    can be undone. One conditional UPDATE: a signature confirmed meanwhile is marked
    for the fold by its confirmation, one confirmed before by this update.
    """
    return (
        signatures.filter(held=True)
        .order_by()
        .update(
            held=False,
            review=Review.RELEASED,
            count_pending=Case(
                When(confirmed_at__isnull=False, then=Value(True)), default=Value(False)
            ),
        )
    )


@transaction.atomic
def signatures_invalidate(signatures: QuerySet[Signature]) -> int:
    """Never count these signatures, and take any already counted out of the counts.

    The affected petitions are recounted at once (so the moderator sees the new count)
    and again under the fold's lock once this commits, as deleting signatures does, in
    case a fold that read them just before wrote over the first recount. All their
    petitions are recounted, not only those with counted signatures: one might be
    confirmed and folded between this read and the update.
    """
    targets = signatures.exclude(review=Review.INVALID).order_by()
    petition_ids = list(targets.values_list("petition_id", flat=True).distinct())
    changed = targets.update(held=True, review=Review.INVALID, count_pending=False)
    if changed:
        refresh_counts(petition_ids)
        petition_tasks.recount.enqueue(petition_ids=petition_ids)
    return changed
