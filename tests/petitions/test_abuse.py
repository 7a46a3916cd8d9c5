"""Abuse controls: what breaks a rule is taken, emailed and held, never counted."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clarion.confirmations.services import confirm as confirm_link
from clarion.core import ratelimit
from clarion.core.models import OutboxMessage, RateLimitBucket
from clarion.petitions import abuse, selectors
from clarion.petitions.counts import fold_counts, recount_all
from clarion.petitions.models import (
    AbuseListEntry,
    AbuseSettings,
    DisposableDomain,
    HoldReason,
    Petition,
    RateRule,
    Review,
    Signature,
)
from clarion.petitions.services import SignatureInput, signature_create
from tests.conftest import issued_token

pytestmark = pytest.mark.django_db

SIGNER_IP = "198.51.100.4"


class Clock:
    """The rate limits' clock, held still so fixed windows never roll over mid-test."""

    def __init__(self) -> None:
        # Ten seconds into tomorrow (UTC): well inside every window a test uses, and in
        # the future, so Redis never expires a window before the test is done with it.
        self.now = (int(time.time()) // 86400 + 1) * 86400 + 10.0

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=clock.time))
    return clock


@pytest.fixture
def no_seeded_rules(db) -> None:
    # The migration seeds a generous per-IP rule; tests that count every hit go without.
    RateRule.objects.all().delete()
    abuse.rules_changed()


def rule(**fields) -> RateRule:
    fields.setdefault("name", f"rule {RateRule.objects.count() + 1}")
    fields.setdefault("scope", RateRule.Scope.IP_PETITION)
    made = RateRule.objects.create(**fields)
    abuse.rules_changed()
    return made


def listed(kind: str, action: str, value: str) -> AbuseListEntry:
    entry = AbuseListEntry(kind=kind, action=action, value=value)
    entry.full_clean()
    entry.save()
    abuse.rules_changed()
    return entry


def sign(
    petition: Petition,
    email: str,
    *,
    ip: str | None = SIGNER_IP,
    honeypot: bool = False,
    confirm: bool = True,
) -> Signature:
    data = SignatureInput(full_name="Ana Example", email=email, country="GB", honeypot=honeypot)
    signature = signature_create(petition=petition, data=data, ip=ip)
    if confirm:
        confirm_link("signature", issued_token(signature))
    signature.refresh_from_db()
    return signature


def count(petition: Petition) -> int:
    fold_counts()
    petition.refresh_from_db(fields=["signature_count"])
    return petition.signature_count


def held(signatures: list[Signature]) -> list[bool]:
    return [s.held for s in signatures]


# --- rate limits -------------------------------------------------------------------------


def test_it_holds_the_fourth_signature_from_one_ip_over_a_burst_of_three(petition, clock):
    rule(burst_limit=3, burst_seconds=60)

    signatures = [sign(petition, f"signer{n}@example.org") for n in range(4)]

    assert held(signatures) == [False, False, False, True]
    fourth = signatures[3]
    assert fourth.review == Review.SUSPECT
    assert fourth.hold_reason == HoldReason.RATE_LIMIT
    assert "burst, 3 per 60 s" in fourth.hold_detail
    # Confirmed like any other, and emailed like any other...
    assert fourth.confirmed_at is not None
    assert OutboxMessage.objects.filter(key__startswith=f"confirm:{fourth.pk}:").exists()
    # ...but not counted, not listed, and the recount agrees.
    assert count(petition) == 3
    assert fourth.pk not in {s.pk for s in selectors.public_signatures(petition)}
    assert recount_all() == 0


def test_it_counts_the_burst_per_petition_and_lets_a_new_window_in(petition, make_petition, clock):
    other = make_petition()
    rule(burst_limit=2, burst_seconds=60)
    first = [sign(petition, f"a{n}@example.org") for n in range(2)]
    elsewhere = sign(other, "a0@example.org")
    clock.advance(60)
    later = sign(petition, "a2@example.org")

    assert held([*first, elsewhere, later]) == [False, False, False, False]
    assert count(petition) == 3


def test_it_holds_past_the_sustained_limit_when_every_burst_is_within_its_own(petition, clock):
    rule(burst_limit=2, burst_seconds=60, sustained_limit=3, sustained_seconds=3600)

    signatures = [sign(petition, "s0@example.org"), sign(petition, "s1@example.org")]
    clock.advance(61)  # a new burst window, the same sustained one
    signatures += [sign(petition, "s2@example.org"), sign(petition, "s3@example.org")]

    assert held(signatures) == [False, False, False, True]
    assert "sustained, 3 per 3600 s" in signatures[3].hold_detail
    assert count(petition) == 3


def test_it_limits_signatures_per_email_domain_whatever_the_ip(petition, clock):
    rule(scope=RateRule.Scope.DOMAIN_PETITION, burst_limit=2, burst_seconds=600)

    same_domain = [
        sign(petition, f"n{n}@bulk.example.net", ip=f"203.0.113.{n + 1}") for n in range(3)
    ]
    other_domain = sign(petition, "n9@quiet.example.org", ip="203.0.113.50")

    assert held(same_domain) == [False, False, True]
    assert same_domain[2].hold_reason == HoldReason.RATE_LIMIT
    assert other_domain.held is False
    assert count(petition) == 3


def test_it_spends_one_write_on_rate_limits_and_no_query_on_rules(
    petition, clock, monkeypatch, no_seeded_rules, database_broker
):
    monkeypatch.setattr(abuse, "RULES_CHECK_SECONDS", 3600.0)  # the check can't fall due
    rule(burst_limit=5, sustained_limit=50)
    rule(scope=RateRule.Scope.DOMAIN, burst_limit=100, sustained_limit=1000)
    sign(petition, "warm@example.org", confirm=False)  # compiles the rules

    with CaptureQueriesContext(connection) as queries:
        sign(petition, "measured@example.org", confirm=False)

    bucket_table = RateLimitBucket._meta.db_table
    rule_tables = {m._meta.db_table for m in (RateRule, AbuseListEntry, AbuseSettings)}
    sqls = [q["sql"] for q in queries]
    assert sum(bucket_table in sql for sql in sqls) == 1
    assert not any(table in sql for sql in sqls for table in rule_tables)
    assert RateLimitBucket.objects.count() == 4  # burst and sustained, for IP and domain


# --- block and allow lists, disposable domains -----------------------------------------------


def test_it_holds_signatures_from_a_blocked_cidr_range(petition):
    listed("network", "block", "203.0.113.0/24")

    inside = sign(petition, "in@example.org", ip="203.0.113.77")
    mapped = sign(petition, "mapped@example.org", ip="::ffff:203.0.113.8")
    outside = sign(petition, "out@example.org", ip="203.0.114.1")

    assert held([inside, mapped, outside]) == [True, True, False]
    assert inside.hold_reason == HoldReason.BLOCKED_IP
    assert "203.0.113.0/24" in inside.hold_detail
    assert count(petition) == 1


def test_it_holds_blocked_domains_and_their_subdomains(petition):
    listed("domain", "block", "@Spam.Example")

    signatures = [
        sign(petition, "a@spam.example"),
        sign(petition, "b@mx.spam.example"),
        sign(petition, "c@notspam.example"),
    ]

    assert held(signatures) == [True, True, False]
    assert signatures[0].hold_reason == HoldReason.BLOCKED_DOMAIN


def test_an_allowed_range_beats_a_rate_limit_and_a_block(petition, clock):
    rule(burst_limit=1, burst_seconds=3600)
    listed("network", "block", "198.51.100.0/24")
    listed("network", "allow", "198.51.100.4/32")

    allowed = [sign(petition, f"office{n}@example.org", ip="198.51.100.4") for n in range(3)]
    neighbour = sign(petition, "neighbour@example.org", ip="198.51.100.5")

    assert held(allowed) == [False, False, False]
    assert neighbour.held and neighbour.hold_reason == HoldReason.BLOCKED_IP
    assert count(petition) == 3


def test_an_allowed_domain_skips_domain_checks_but_not_ip_limits(petition, clock):
    rule(burst_limit=2, burst_seconds=3600)
    listed("domain", "allow", "mailinator.com")

    signatures = [sign(petition, f"tester{n}@mailinator.com") for n in range(3)]

    # Not held as disposable, but still counted against the per-IP limit.
    assert held(signatures) == [False, False, True]
    assert signatures[2].hold_reason == HoldReason.RATE_LIMIT


def test_it_holds_signatures_from_disposable_domains(petition):
    assert DisposableDomain.objects.filter(domain="mailinator.com").exists()  # seeded
    DisposableDomain.objects.create(domain="throwaway.example")
    abuse.rules_changed()

    seeded = sign(petition, "x@mailinator.com")
    added = sign(petition, "y@throwaway.example")
    fine = sign(petition, "z@example.org")

    assert held([seeded, added, fine]) == [True, True, False]
    assert seeded.hold_reason == HoldReason.DISPOSABLE
    assert count(petition) == 1


def test_switching_the_controls_off_counts_everything_but_the_honeypot(petition, clock):
    rule(burst_limit=1, burst_seconds=3600)
    AbuseSettings.objects.filter(pk=1).update(enabled=False)
    abuse.rules_changed()

    signatures = [sign(petition, f"p{n}@mailinator.com") for n in range(3)]
    bot = sign(petition, "bot@example.org", honeypot=True)

    assert held(signatures) == [False, False, False]
    assert bot.held and bot.hold_reason == HoldReason.HONEYPOT


def test_other_processes_pick_up_an_edit_once_they_look_again(petition, monkeypatch):
    seen = abuse.current_rules()
    # Another process edits the rules: only the version in the database tells.
    AbuseListEntry.objects.create(kind="network", action="block", value="192.0.2.0/24")
    AbuseSettings.objects.filter(pk=1).update(rules_version=seen.version + 1)

    assert abuse.current_rules() is seen  # not looked again within the second
    monkeypatch.setattr(abuse, "RULES_CHECK_SECONDS", 0.0)
    assert sign(petition, "late@example.org", ip="192.0.2.9").held


# --- honeypot, through the sign form -----------------------------------------------------------


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, petition):
    html = client.get(petition.get_absolute_url()).content.decode()

    field = html.split('<div class="hp-field" aria-hidden="true">', 1)[1].split("</div>", 1)[0]
    assert 'name="homepage"' in field
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field


def test_a_filled_honeypot_is_held_and_the_signer_told_nothing(client, petition):
    form = {
        "full_name": "Robo Signer",
        "email": "robo@example.org",
        "country": "GB",
        "show_name": "on",
    }
    person = client.post(f"/p/{petition.slug}/sign/", {**form, "email": "ana@example.org"})
    bot = client.post(f"/p/{petition.slug}/sign/", {**form, "homepage": "http://spam.example"})

    # The same answer either way: to the "check your email" page.
    assert bot.status_code == person.status_code == 302
    assert bot["Location"] == person["Location"]
    signature = Signature.objects.get(email="robo@example.org")
    assert signature.held and signature.hold_reason == HoldReason.HONEYPOT
    confirm_link("signature", issued_token(signature))
    assert count(petition) == 0
    assert "Robo Signer" not in client.get(petition.get_absolute_url()).content.decode()


# --- review: release and invalidate ---------------------------------------------------------


def test_releasing_held_signatures_counts_them_at_the_next_fold(petition, clock):
    rule(burst_limit=2, burst_seconds=60)
    signatures = [sign(petition, f"r{n}@example.org") for n in range(4)]
    unconfirmed = sign(petition, "r9@example.org", confirm=False)
    assert count(petition) == 2

    released = abuse.signatures_release(Signature.objects.filter(review=Review.SUSPECT))

    assert released == 3
    petition.refresh_from_db()
    assert petition.signature_count == 2  # the fold counts them, not the release
    assert count(petition) == 4
    assert {s.review for s in Signature.objects.filter(pk__in=[s.pk for s in signatures])} == {
        Review.CLEAR,
        Review.RELEASED,
    }
    # The unconfirmed one counts once its signer confirms.
    confirm_link("signature", issued_token(unconfirmed))
    assert count(petition) == 5
    assert recount_all() == 0


def test_invalidating_counted_signatures_lowers_the_count_for_good(petition, make_petition):
    other = make_petition()
    for n in range(3):
        sign(petition, f"fake{n}@spam.example")
    sign(petition, "real@example.org")
    sign(other, "fake9@spam.example")
    assert (count(petition), count(other)) == (4, 1)

    invalidated = abuse.signatures_invalidate(
        Signature.objects.filter(email_normalised__endswith="@spam.example")
    )

    assert invalidated == 4
    petition.refresh_from_db()
    other.refresh_from_db()
    assert (petition.signature_count, other.signature_count) == (1, 0)  # at once
    assert (count(petition), count(other)) == (1, 0)  # the fold does not raise it back
    assert recount_all() == 0
    assert [s.full_name for s in selectors.public_signatures(petition)] == ["Ana Example"]
    # Releasing undoes a mistaken invalidation.
    abuse.signatures_release(Signature.objects.filter(email_normalised="fake9@spam.example"))
    assert count(other) == 1
