"""Open letters, whom they address, and the organisations (and people) who sign them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clarion.appeals.models import Appeal
from clarion.confirmations.models import Confirmable
from clarion.taxonomy.models import CONTENT_LANGUAGES, Category
from clarion.taxonomy.translated import in_language


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for sign-on")
        CLOSED = "closed", _("Closed")
        DELIVERED = "delivered", _("Delivered")

    class SignatoryOrder(models.TextChoices):
        ALPHABETICAL = "alphabetical", _("Alphabetical")
        SIGNED = "signed", _("By time of signing")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=CONTENT_LANGUAGES, default="en"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    salutation = models.CharField(_("salutation"), max_length=300, blank=True)
    body = models.TextField(
        _("body"), help_text=_("Markdown: paragraphs, lists, > quotations, **bold**, links.")
    )
    closing = models.TextField(_("closing"), blank=True, max_length=1000)
    categories = models.ManyToManyField(
        Category, related_name="letters", blank=True, verbose_name=_("categories")
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    related_articles = models.ManyToManyField(
        "news.Article", related_name="letters", blank=True, verbose_name=_("related articles")
    )
    related_stories = models.ManyToManyField(
        "news.Story", related_name="letters", blank=True, verbose_name=_("related stories")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    signatory_order = models.CharField(
        _("order of signatories"),
        max_length=12,
        choices=SignatoryOrder.choices,
        default=SignatoryOrder.ALPHABETICAL,
    )
    individuals_may_sign = models.BooleanField(
        _("individuals may add their names"),
        default=False,
        help_text=_("Show a second, separate list where people sign in their own name."),
    )
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("support appeal"),
        help_text=_("Shown at the foot of the letter instead of the site-wide appeal."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-published_at"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [models.Index(fields=["status", "-date"], name="letter_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="letter_public_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("letters:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def takes_signatures(self) -> bool:
        return self.status == self.Status.OPEN


class Addressee(models.Model):
    """One person or office the letter is written to."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="addressees")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(
        _("title or office"),
        max_length=300,
        blank=True,
        help_text=_("For example: Secretary of Foreign Affairs."),
    )
    # Shown with the letter's Spanish version, on Spanish pages and in PDFs.
    title_es = models.CharField(
        _("title or office in Spanish"),
        max_length=300,
        blank=True,
        help_text=_("For example: Secretaría de Relaciones Exteriores."),
    )
    country = CountryField(_("country"), blank=True)

    class Meta:
        ordering = ["letter", "position", "id"]
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(title=""), name="addressee_has_name_or_title"
            )
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.title, self.name) if part)

    def title_in(self, language: str | None = None) -> str:
        """The title or office in ``language`` (default: the active one), else the original."""
        return in_language(self, "title", language)

    @property
    def shown(self) -> str:
        """Title and name, the title in the active language."""
        return " ".join(part for part in (self.title_in(), self.name) if part)


class LetterTranslation(models.Model):
    """The letter's text in another language, shown to readers of that language."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    title = models.CharField(_("title"), max_length=300)
    salutation = models.CharField(_("salutation"), max_length=300, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    closing = models.TextField(_("closing"), blank=True, max_length=1000)

    class Meta:
        ordering = ["letter", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language"], name="lettertranslation_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class SignOnStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for email confirmation")
    CONFIRMED = "confirmed", _("Confirmed, waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class _SignOn(Confirmable):
    """What organisation and individual sign-ons share beyond the emailed confirmation
    (``clarion.confirmations``): the letter, a country, and moderation."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
    country = CountryField(_("country"), blank=True)
    # Private: shown to moderators only, never on a page, feed, PDF or API response.
    email = models.EmailField(_("contact email"), max_length=254)
    # Pending until the email is confirmed, then a moderator approves or rejects.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SignOnStatus.choices,
        default=SignOnStatus.PENDING,
        db_index=True,
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class OrganisationSignature(_SignOn):
    """An organisation's endorsement of a letter.

    Shown and counted only once a moderator approves it, after the contact person
    confirmed it by email.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="organisations", verbose_name=_("letter")
    )
    name = models.CharField(_("organisation"), max_length=200)
    # Case, accents, punctuation and spacing folded: one organisation, one signature.
    name_normalised = models.CharField(max_length=200, editable=False)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    name_other_language = models.CharField(
        _("name in the other language"), max_length=200, blank=True
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    # Private, like the email.
    contact_name = models.CharField(_("contact person"), max_length=120)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("organisation signature")
        verbose_name_plural = _("organisation signatures")
        constraints = [
            # Only a confirmed (or approved) sign-on holds an organisation's name: a
            # request nobody confirmed, or one a moderator rejected, blocks nobody.
            models.UniqueConstraint(
                fields=["letter", "name_normalised"],
                condition=Q(status__in=["confirmed", "approved"]),
                name="orgsignature_one_holder_per_letter",
            ),
            # One request per organisation name and contact address: sending the form
            # again finds it (a fresh link, or a note that it is done).
            models.UniqueConstraint(
                fields=["letter", "name_normalised", "email_normalised"],
                name="orgsignature_one_request_per_contact",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(confirmed_at__isnull=False),
                name="orgsignature_confirmed_before_moderation",
            ),
        ]
        indexes = [
            models.Index(fields=["letter", "status"], name="orgsignature_letter_status"),
            models.Index(fields=["email_normalised"], name="orgsignature_email"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class IndividualSignature(_SignOn):
    """A person adding their own name to a letter's separate list of individuals.

    Shown once confirmed by email, unless a moderator rejects it.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="individuals", verbose_name=_("letter")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    affiliation = models.CharField(
        _("affiliation (public, for identification only)"), max_length=200, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("individual signature")
        verbose_name_plural = _("individual signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "email_normalised"], name="individualsignature_one_per_email"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(confirmed_at__isnull=False),
                name="individualsignature_confirmed_before_moderation",
            ),
        ]
        indexes = [
            models.Index(fields=["letter", "status"], name="individualsig_letter_status"),
            models.Index(fields=["email_normalised"], name="individualsig_email"),
        ]

    def __str__(self) -> str:
        return self.full_name
