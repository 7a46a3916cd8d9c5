"""Petitions, what they ask of whom, and the signatures that back them."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

GOAL_MAX_LENGTH = 500

# Languages a petition's own text may be written in (the interface's languages are
# settings.LANGUAGES; these are content, so they live here and in migrations).
CONTENT_LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt", "Português"),
]


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


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words or phrases, one per line, in any language, that mark news about this "
            "category. The news desk tags articles and stories with them."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("petitions:category", args=[self.slug])


class Target(models.Model):
    """Who a petition addresses: a named person, an office, or a body."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        OFFICE = "office", _("Office")
        BODY = "body", _("Body")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BODY)
    country = CountryField(_("country"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="target_unique_name_country")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name


class Outcome(models.TextChoices):
    VICTORY = "victory", _("Victory")
    PARTIAL = "partial", _("Partial victory")
    REJECTED = "rejected", _("Rejected")


class Petition(models.Model):
    Outcome = Outcome

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        # A machine draft an editor threw away; kept so its story is never drafted again.
        DISCARDED = "discarded", _("Discarded")

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
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CLOSED)

    @property
    def can_be_signed(self) -> bool:
        # A deadline stops signing at once, before the worker gets round to closing it.
        open_ = self.closes_at is None or self.closes_at > timezone.now()
        return self.status == self.Status.PUBLISHED and open_

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


class Demand(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("demand"), max_length=600)

    class Meta:
        ordering = ["petition", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    full_name = models.CharField(_("full name"), max_length=120)
    # Private: shown to moderators and exports, never on a public page, feed or API.
    email = models.EmailField(_("email"), max_length=254)
    # Lower-cased, IDNA-encoded form used to enforce one signature per person.
    email_normalised = models.CharField(max_length=254, editable=False)
    country = CountryField(_("country"))
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    comment = models.TextField(_("public comment"), max_length=500, blank=True)
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    wants_updates = models.BooleanField(_("send me updates"), default=False)
    language = models.CharField(max_length=8, default="en", editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Confirmed, but not yet folded into the petition's count (see petitions.counts).
    count_pending = models.BooleanField(default=False, editable=False)
    # sha256 of the emailed token: a database leak reveals no usable link.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_expires_at = models.DateTimeField(editable=False)

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
        ]
        indexes = [
            models.Index(fields=["petition", "confirmed_at"], name="signature_petition_confirmed"),
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

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


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
