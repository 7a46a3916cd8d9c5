"""Petitions, what they ask of whom, and the signatures that back them."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clarion.appeals.models import Appeal
from clarion.confirmations.models import Confirmable
from clarion.taxonomy.models import CONTENT_LANGUAGES, Category, Target

GOAL_MAX_LENGTH = 500


_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{2}):?(\d{2})$")


def parse_time_zone(value: str) -> tzinfo | None:
    """An IANA zone name (Europe/Madrid) or a fixed UTC offset (+05:30, UTC-03:00).

    Feeds give offsets, editors usually know the zone's name; both are kept as given
    so the time reads as the outlet wrote it.
    """
    match = _OFFSET.match(value.strip())
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta > timedelta(hours=14):
            return None
        return dt_timezone(-delta if sign == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def offset_name(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _validate_time_zone(value: str) -> None:
    from django.core.exceptions import ValidationError

    if parse_time_zone(value) is None:
        raise ValidationError(
            _("%(value)s is not a time zone such as America/Mexico_City or +05:30."),
            params={"value": value},
        )


def demand_lines(text: str) -> list[str]:
    """Demands written one per line (a translation's, a started petition's): the lines
    that hold one, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class PetitionText:
    """A petition's words in one language: the original's or a translation's."""

    language: str
    title: str
    goal: str
    narrative: str
    # Called only by the pages that list demands: a card has no use for them.
    demand_loader: Callable[[], list[str]]

    @cached_property
    def demands(self) -> list[str]:
        return self.demand_loader()


class Outcome(models.TextChoices):
    VICTORY = "victory", _("Victory")
    PARTIAL = "partial", _("Partial victory")
    REJECTED = "rejected", _("Rejected")


class RejectionReason(models.Model):
    """Why moderators turn a started petition down: an editable list, whose reason is
    published on the petition's page (as the UK Parliament's petitions site does)."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("reason"), max_length=120)
    explanation = models.TextField(
        _("public explanation"),
        max_length=1000,
        help_text=_("What the rejected petition's page and the email to its creator say."),
    )
    hides_text = models.BooleanField(
        _("hide the petition's text"),
        default=False,
        help_text=_(
            "The page then shows only the title and the reason: for offensive content "
            "or personal data, which must not stay on show."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(
        _("offered to moderators"),
        default=True,
        help_text=_("Off: kept for the petitions already rejected with it, offered no more."),
    )

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.label

    def shown(self) -> tuple[str, str]:
        """(reason, explanation) in the interface language, the original's as fallback."""
        language = get_language() or settings.LANGUAGE_CODE
        for translation in self.translations.all():
            if translation.language == language:
                return translation.label, translation.explanation
        return self.label, self.explanation


class RejectionReasonTranslation(models.Model):
    reason = models.ForeignKey(
        RejectionReason, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    label = models.CharField(_("reason"), max_length=120)
    explanation = models.TextField(_("public explanation"), max_length=1000)

    class Meta:
        ordering = ["reason", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["reason", "language"], name="rejectionreason_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.language})"


class Petition(models.Model):
    Outcome = Outcome

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        # A machine draft an editor threw away; kept so its story is never drafted again.
        DISCARDED = "discarded", _("Discarded")
        # A petition a member of the public started: it gathers its first supporters
        # through a private link, then waits for a moderator, who publishes or rejects it.
        COLLECTING = "collecting", _("Collecting supporters")
        MODERATION = "moderation", _("Awaiting moderation")
        REJECTED = "rejected", _("Rejected")

    # Statuses that take signatures (until closes_at): a started petition gathers its
    # supporters while it collects them and while it waits for a moderator.
    SIGNABLE = (Status.PUBLISHED, Status.COLLECTING, Status.MODERATION)

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    goal = models.TextField(
        _("goal"),
        max_length=GOAL_MAX_LENGTH,
        help_text=_("One short paragraph saying what the petition asks, and of whom."),
    )
    narrative = models.TextField(_("narrative"), blank=True, help_text=_("Markdown."))
    targets = models.ManyToManyField(Target, related_name="petitions", blank=True)
    categories = models.ManyToManyField(Category, related_name="petitions", blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=CONTENT_LANGUAGES, default="en"
    )

    # The news article this petition answers. The news desk fills these from a stored
    # article; editors may also type them in.
    related_headline = models.CharField(_("related article headline"), max_length=300, blank=True)
    related_outlet = models.CharField(_("related article outlet"), max_length=120, blank=True)
    related_url = models.URLField(_("related article URL"), max_length=500, blank=True)
    related_published_at = models.DateTimeField(
        _("related article published at"), null=True, blank=True
    )
    related_time_zone = models.CharField(
        _("related article time zone"),
        max_length=64,
        blank=True,
        validators=[_validate_time_zone],
        help_text=_(
            "The zone the article was published in: a name such as Europe/Madrid, "
            "or a UTC offset such as +05:30."
        ),
    )
    # Who wrote the draft: "" for a person, "offline" or "llm:<model>" for the news desk,
    # and, when the LLM draft was refused, why (shown to reviewers).
    drafter = models.CharField(_("drafted by"), max_length=120, blank=True, editable=False)
    draft_note = models.TextField(_("drafting note"), blank=True, editable=False)

    signature_goal = models.PositiveIntegerField(_("signature goal"), default=1000)
    # The PDF (/p/<slug>.pdf) names no signer unless an editor allows it here; even then
    # only those who chose to show their name.
    pdf_lists_names = models.BooleanField(
        _("list public names in the PDF"),
        default=False,
        help_text=_("The PDF then lists the signers who chose to show their name."),
    )
    # Growing goals: once the count reaches the goal, the worker sets the next one.
    grow_goal = models.BooleanField(
        _("raise the goal when it is reached"),
        default=True,
        help_text=_("Each goal reached is a milestone; the organisers are told by email."),
    )
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_("Signing stops at this time; the worker then closes the petition."),
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organised_petitions",
        blank=True,
        verbose_name=_("organisers"),
        help_text=_("Staff who may deliver this petition and post updates to its signers."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(_("about the outcome"), blank=True, max_length=2000)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    # Set by moderators (clarion.campaigns) when they turn a started petition down; the
    # reason is published on its page.
    rejection_reason = models.ForeignKey(
        RejectionReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("rejection reason"),
    )
    rejection_note = models.TextField(_("note on the rejection"), max_length=1000, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
        help_text=_("The petition people should sign instead, when this one repeats it."),
    )
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("support appeal"),
        help_text=_("Shown after signing instead of the site-wide appeal."),
    )
    # Folded in from confirmed signatures by petitions.counts; never written by hand.
    signature_count = models.PositiveIntegerField(_("signature count"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="petition_status_published"),
            models.Index(fields=["status", "-updated_at"], name="petition_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(signature_goal__gte=1), name="petition_goal_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="petition_published_has_time",
            ),
            # A rejection is published with its reason: there is never one without.
            models.CheckConstraint(
                condition=~Q(status="rejected")
                | Q(rejection_reason__isnull=False, rejected_at__isnull=False),
                name="petition_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.slug])

    @property
    def text_locked(self) -> bool:
        """Whether the words may only change through a moderator (a correction): once a
        started petition went to moderation, and always once it is public."""
        return self.status not in (self.Status.DRAFT, self.Status.COLLECTING)

    @cached_property
    def shown(self) -> PetitionText:
        """The words to show in the active interface language.

        The translation into that language when there is one, else the original.
        Lists prefetch ``translations`` (selectors.with_card_data), so this reads no
        more rows; it is computed once per object, in the request's language.
        """
        language = get_language() or self.language
        if language != self.language:
            for translation in self.translations.all():
                if translation.language == language:
                    return translation.text()
        return PetitionText(
            language=self.language,
            title=self.title,
            goal=self.goal,
            narrative=self.narrative,
            demand_loader=lambda: [d.text for d in self.demands.all()],
        )

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CLOSED)

    @property
    def can_be_signed(self) -> bool:
        # A deadline stops signing at once, before the worker gets round to closing it.
        # A started petition takes its first supporters' signatures before it is
        # published, through the private link only (clarion.campaigns): every public
        # way in (page, API, widget) finds public petitions alone.
        open_ = self.closes_at is None or self.closes_at > timezone.now()
        return self.status in self.SIGNABLE and open_

    @property
    def is_unpublished_start(self) -> bool:
        """A started petition before or instead of publication: its page says so."""
        return self.status in (
            self.Status.COLLECTING,
            self.Status.MODERATION,
            self.Status.REJECTED,
        )

    @property
    def progress_percent(self) -> int:
        return min(100, (self.signature_count * 100) // max(1, self.signature_goal))

    @property
    def related_published_local(self) -> datetime | None:
        """The article's publication time in the zone it was published in."""
        if self.related_published_at is None:
            return None
        zone = parse_time_zone(self.related_time_zone or "UTC")
        return self.related_published_at.astimezone(zone) if zone else self.related_published_at


class PetitionTranslation(models.Model):
    """A petition's text in another language than its original.

    Signatures belong to the petition, not to a language: whichever version a person
    signs, they count once (Signature's one-per-email constraint is per petition).
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), max_length=GOAL_MAX_LENGTH)
    narrative = models.TextField(_("narrative"), blank=True, help_text=_("Markdown."))
    demands = models.TextField(
        _("key demands"),
        blank=True,
        help_text=_("One demand per line, in the same order as the original's."),
    )

    class Meta:
        ordering = ["petition", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "language"], name="petition_translation_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def demand_list(self) -> list[str]:
        return demand_lines(self.demands)

    def text(self) -> PetitionText:
        return PetitionText(
            language=self.language,
            title=self.title,
            goal=self.goal,
            narrative=self.narrative,
            demand_loader=self.demand_list,
        )


class Demand(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("demand"), max_length=600)

    class Meta:
        ordering = ["petition", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Review(models.TextChoices):
    """Where a signature stands with the abuse controls."""

    CLEAR = "clear", _("Counted")
    SUSPECT = "suspect", _("Held for review")
    RELEASED = "released", _("Released by a moderator")
    INVALID = "invalid", _("Invalidated by a moderator")


# The reviews whose signatures are held (not counted), as the database constraint says.
HELD_REVIEWS = (Review.SUSPECT, Review.INVALID)


class HoldReason(models.TextChoices):
    RATE_LIMIT = "rate_limit", _("Over a rate limit")
    BLOCKED_IP = "blocked_ip", _("Blocked IP address")
    BLOCKED_DOMAIN = "blocked_dom", _("Blocked email domain")
    DISPOSABLE = "disposable", _("Disposable email domain")
    HONEYPOT = "honeypot", _("Filled the hidden honeypot field")


class Signature(Confirmable):
    """A person's signature: pending until they confirm it by email (the shared flow of
    ``clarion.confirmations``), counted once confirmed unless the abuse controls hold it."""

    Review = Review
    HoldReason = HoldReason

    # No index of its own: the one-per-email constraint's index (petition, email) and the
    # counted one (petition, held, confirmed_at) both start with it, and every signature
    # written pays for each index it updates.
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="signatures", db_index=False
    )
    full_name = models.CharField(_("full name"), max_length=120)
    country = CountryField(_("country"))
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    comment = models.TextField(_("public comment"), max_length=500, blank=True)
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    wants_updates = models.BooleanField(_("send me updates"), default=False)
    # Consent to hand the name and address to the petition's organisers (their CSV).
    contact_by_organiser = models.BooleanField(_("organisers may contact me"), default=False)
    # The ?source= tag of the link the signer came by, kept only until the signature is
    # confirmed: confirming adds one to the petition's tally (PetitionSource) and clears
    # it, so no confirmed signature says where its signer came from.
    source = models.CharField(max_length=32, blank=True, editable=False)
    # Confirmed, but not yet folded into the petition's count (see petitions.counts).
    count_pending = models.BooleanField(default=False, editable=False)
    # Abuse controls (petitions.abuse). A held signature is confirmed like any other
    # but never counted or listed: held for review when it broke a rule, or for good
    # once a moderator invalidated it. Only the abuse module's functions change these.
    held = models.BooleanField(_("held (not counted)"), default=False, editable=False)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.CLEAR, editable=False
    )
    hold_reason = models.CharField(
        _("held because"), max_length=12, choices=HoldReason.choices, blank=True, editable=False
    )
    hold_detail = models.CharField(_("hold detail"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_normalised"], name="signature_one_per_email"
            ),
            models.CheckConstraint(
                condition=Q(count_pending=False) | Q(confirmed_at__isnull=False),
                name="signature_only_confirmed_pending_count",
            ),
            models.CheckConstraint(
                condition=Q(held=True, review__in=HELD_REVIEWS)
                | (Q(held=False) & ~Q(review__in=HELD_REVIEWS)),
                name="signature_held_matches_review",
            ),
        ]
        indexes = [
            # Counts and public lists read (petition, held=False, confirmed) from the index alone.
            models.Index(
                fields=["petition", "held", "confirmed_at"], name="signature_petition_counted"
            ),
            # The review queue: only signatures waiting for a moderator.
            models.Index(
                fields=["-created_at"], condition=Q(review="suspect"), name="signature_suspect"
            ),
            models.Index(fields=["confirmed_at"], name="signature_confirmed"),
            # A signer's own data is found by address across petitions.
            models.Index(fields=["email_normalised"], name="signature_email"),
            # Holds only the confirmations waiting for the fold: a handful at any time.
            models.Index(
                fields=["petition"], condition=Q(count_pending=True), name="signature_count_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} → {self.petition_id}"


# --- abuse controls: rules the operator edits in admin (petitions.abuse reads them) ----


class AbuseSettings(models.Model):
    """One row (pk=1) of switches for the abuse controls, edited in admin."""

    enabled = models.BooleanField(
        _("apply rate limits and block lists"),
        default=True,
        help_text=_("Off: every signature is counted once confirmed, whatever the rules say."),
    )
    honeypot = models.BooleanField(
        _("hold signatures that fill the hidden honeypot field"), default=True
    )
    # Bumped whenever a rule changes; each process reloads its rules when it sees a new
    # number (checked about once a second), so a change applies everywhere within ~1 s.
    rules_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("abuse settings")
        verbose_name_plural = _("abuse settings")

    def __str__(self) -> str:
        return str(_("Abuse settings"))

    @classmethod
    def load(cls) -> AbuseSettings:
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class RateRule(models.Model):
    """At most so many signatures from one source in a short and a long window.

    Signatures over either limit are taken and emailed as usual but held for review,
    not counted.
    """

    class Scope(models.TextChoices):
        IP_PETITION = "ip_petition", _("per IP address, per petition")
        IP = "ip", _("per IP address, all petitions")
        DOMAIN_PETITION = "dom_petition", _("per email domain, per petition")
        DOMAIN = "domain", _("per email domain, all petitions")

    name = models.CharField(_("name"), max_length=80, unique=True)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    burst_limit = models.PositiveIntegerField(
        _("burst limit"), default=0, help_text=_("Signatures allowed per burst window; 0: none.")
    )
    burst_seconds = models.PositiveIntegerField(_("burst window (seconds)"), default=60)
    sustained_limit = models.PositiveIntegerField(
        _("sustained limit"),
        default=0,
        help_text=_("Signatures allowed per sustained window; 0: none."),
    )
    sustained_seconds = models.PositiveIntegerField(_("sustained window (seconds)"), default=86400)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rate rule")
        constraints = [
            models.CheckConstraint(
                condition=Q(burst_seconds__gte=1) & Q(sustained_seconds__gte=1),
                name="raterule_windows_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _validate_network(value: str) -> None:
    import ipaddress

    from django.core.exceptions import ValidationError

    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not an IP address or CIDR range such as 203.0.113.0/24."),
            params={"value": value},
        ) from None


def _validate_domain(value: str) -> None:
    from django.core.exceptions import ValidationError

    if normalise_domain(value) is None:
        raise ValidationError(
            _("%(value)s is not an email domain such as example.org."), params={"value": value}
        )


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$")


def normalise_domain(value: str) -> str | None:
    """An email domain as signatures store it (lower case, IDNA), or None if it is not one.

    "@Example.ORG", "*.example.org" and "example.org." all mean example.org.
    """
    value = value.strip().lstrip("@").removeprefix("*.").rstrip(".")
    try:
        value = value.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return value if _DOMAIN.match(value) else None


class AbuseListEntry(models.Model):
    """An IP address, CIDR range or email domain that is always held, or never."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("IP address or CIDR range")
        DOMAIN = "domain", _("email domain (and its subdomains)")

    class Action(models.TextChoices):
        BLOCK = "block", _("block: hold every signature for review")
        ALLOW = "allow", _("allow: never hold for rate limits or block lists")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    value = models.CharField(
        _("value"),
        max_length=255,
        help_text=_("203.0.113.7, 203.0.113.0/24, 2001:db8::/32 or example.org"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("block or allow entry")
        verbose_name_plural = _("block and allow list")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="abuselist_one_entry_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display().split(':')[0]} {self.value}"

    def clean(self) -> None:
        # Stored in the one form matching uses, so "203.0.113.9/24" and "203.0.113.0/24"
        # are recognised as the same entry.
        import ipaddress

        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.NETWORK:
            _validate_network(self.value)
            self.value = str(ipaddress.ip_network(self.value.strip(), strict=False))
        elif self.kind == self.Kind.DOMAIN:
            domain = normalise_domain(self.value)
            if domain is None:
                raise ValidationError({"value": _("Enter an email domain such as example.org.")})
            self.value = domain


class DisposableDomain(models.Model):
    """A throwaway-mailbox provider: signatures from it are held for review."""

    domain = models.CharField(
        _("domain"), max_length=253, unique=True, validators=[_validate_domain]
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("disposable email domain")

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        self.domain = normalise_domain(self.domain) or self.domain


class PetitionSource(models.Model):
    """How many confirmed signatures came by links with one ?source= tag: a tally only."""

    # A petition keeps at most this many tags; later ones are tallied as "other", so
    # made-up tags can't grow the table without end.
    MAX_PER_PETITION = 50
    OTHER = "other"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="sources")
    source = models.CharField(_("source"), max_length=32)
    signatures = models.PositiveIntegerField(_("signatures"), default=0)

    class Meta:
        ordering = ["petition", "-signatures", "source"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "source"], name="petitionsource_once")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.source} ({self.signatures})"


class Milestone(models.Model):
    """A goal the petition reached: recorded once, and the organisers told once."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="milestones")
    goal = models.PositiveIntegerField(_("goal"))
    reached_at = models.DateTimeField(_("reached"), default=timezone.now)

    class Meta:
        ordering = ["petition", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "goal"], name="milestone_once_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.goal}"


class TargetResponse(models.Model):
    """What a target answered, with where it was said."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="responses")
    responder = models.CharField(
        _("who responded"), max_length=200, help_text=_("A name, office or body.")
    )
    responded_on = models.DateField(_("date"))
    text = models.TextField(_("response"), max_length=5000, help_text=_("Markdown."))
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-responded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.responder} ({self.responded_on})"


class Update(models.Model):
    """News from the organisers, shown on the page and emailed to signers who opted in."""

    class Mailing(models.TextChoices):
        NOT_SENT = "", _("Not emailed")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=10000, help_text=_("Markdown."))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    mailing = models.CharField(
        _("email"), max_length=10, choices=Mailing.choices, blank=True, default="", editable=False
    )
    # The mailing walks the signatures in id order; everything up to here is queued.
    # It moves in the same transaction as the outbox rows it stands for, so a worker
    # that dies mid-mailing resumes where the last committed batch ended.
    mailed_up_to = models.BigIntegerField(default=0, editable=False)
    recipients = models.PositiveIntegerField(_("emails queued"), default=0, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["mailing"], name="update_mailing")]

    def __str__(self) -> str:
        return self.title
