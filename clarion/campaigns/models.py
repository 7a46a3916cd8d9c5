"""What starting a petition stores beside the petition itself.

The petition (``petitions.Petition``) never names its creator: the link between them
lives here only (``PetitionStart.petition``), so no page, feed or API answer that
reads petitions can show who started one.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clarion.confirmations.models import Confirmable
from clarion.petitions.models import GOAL_MAX_LENGTH, Petition, demand_lines
from clarion.taxonomy.models import CONTENT_LANGUAGES, Category

TITLE_MAX_LENGTH = 150
NARRATIVE_MAX_LENGTH = 6000
DEMAND_MAX_LENGTH = 300
MAX_DEMANDS = 8
TARGET_MAX_LENGTH = 200
MAX_TARGETS = 5


class PetitionStart(Confirmable):
    """A person starting a petition: what they wrote, pending until they confirm their
    address by email (the shared flow of clarion.confirmations); confirming creates the
    petition, which then gathers its first supporters through ``sponsor_token``."""

    full_name = models.CharField(_("creator's name"), max_length=120)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # The title as a slug: one person starting "the same" petition twice gets a fresh
    # link (or a note that it exists) instead of a second petition.
    title_key = models.CharField(max_length=TITLE_MAX_LENGTH, editable=False)
    goal = models.TextField(_("what you want"), max_length=GOAL_MAX_LENGTH)
    narrative = models.TextField(_("why"), max_length=NARRATIVE_MAX_LENGTH)
    demands = models.TextField(_("key demands"), blank=True, help_text=_("One per line."))
    targets = models.TextField(_("targets"), help_text=_("One per line."))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    country = CountryField(_("country"))
    content_language = models.CharField(
        _("language of the petition"), max_length=8, choices=CONTENT_LANGUAGES
    )
    # The news article it answers, as read through the guarded fetcher when the form
    # was sent (clarion.news.article_page).
    related_url = models.URLField(_("related article URL"), max_length=500, blank=True)
    related_headline = models.CharField(max_length=300, blank=True)
    related_outlet = models.CharField(max_length=120, blank=True)
    related_published_at = models.DateTimeField(null=True, blank=True)
    related_time_zone = models.CharField(max_length=64, blank=True)
    # The private link supporters sign through. Not a secret of the creator's (it is
    # made to be shared), so it is stored as it is; it works only once the start is
    # confirmed and the petition exists.
    sponsor_token = models.CharField(max_length=64, unique=True, editable=False)
    petition = models.OneToOneField(
        Petition,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="start",
        verbose_name=_("petition"),
    )
    # When the petition had its supporters and went to the moderators.
    submitted_at = models.DateTimeField(_("sent to moderation"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("petition start")
        verbose_name_plural = _("petition starts")
        constraints = [
            models.UniqueConstraint(
                fields=["email_normalised", "title_key"], name="petitionstart_once_per_creator"
            ),
            # A petition comes only from a start whose creator confirmed their address.
            models.CheckConstraint(
                condition=Q(petition__isnull=True) | Q(confirmed_at__isnull=False),
                name="petitionstart_petition_after_confirmation",
            ),
        ]
        indexes = [models.Index(fields=["email_normalised"], name="petitionstart_email")]

    def __str__(self) -> str:
        return self.title

    def demand_list(self) -> list[str]:
        return demand_lines(self.demands)

    def target_list(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]


class OrganiserLink(models.Model):
    """An emailed sign-in link to the organiser dashboard: its token's hash and the
    address key it signs in. Random, so the link says nothing about whose it is."""

    token_hash = models.CharField(max_length=64, unique=True)
    email_key = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"sign-in link {self.pk} until {self.expires_at:%Y-%m-%d %H:%M}"


class Correction(models.Model):
    """A change to a petition's words its organiser asks for once the text is locked
    (after it went to moderation); a moderator applies or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        APPLIED = "applied", _("Applied")
        DECLINED = "declined", _("Declined")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("petition")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    goal = models.TextField(_("what you want"), max_length=GOAL_MAX_LENGTH)
    narrative = models.TextField(_("why"), max_length=NARRATIVE_MAX_LENGTH)
    demands = models.TextField(_("key demands"), blank=True)
    note = models.TextField(_("what changed, and why"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            # One open proposal at a time: a newer one replaces it (services).
            models.UniqueConstraint(
                fields=["petition"], condition=Q(status="pending"), name="correction_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="correction_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def demand_list(self) -> list[str]:
        return demand_lines(self.demands)


class DeliveryRequest(models.Model):
    """An organiser asking the site's staff to deliver their petition to its targets
    (staff deliver it from the petition's admin page, clarion.delivery)."""

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="delivery_requests",
        verbose_name=_("petition"),
    )
    note = models.TextField(_("message to the staff"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, editable=False)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["handled_at", "-created_at"]
        verbose_name = _("delivery request")
        verbose_name_plural = _("delivery requests")
        constraints = [
            models.UniqueConstraint(
                fields=["petition"],
                condition=Q(handled_at__isnull=True),
                name="deliveryrequest_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition} ({self.created_at:%Y-%m-%d})"


class ModerationQueue(Petition):
    """Started petitions as moderators see them: a view of Petition for the admin."""

    class Meta:
        proxy = True
        verbose_name = _("started petition")
        verbose_name_plural = _("moderation queue")
