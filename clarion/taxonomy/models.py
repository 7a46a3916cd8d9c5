"""Categories and targets: the shared vocabulary of petitions, letters and stories.

Both lived in the petitions app until the apps were layered; their tables were renamed
from ``petitions_*`` by this app's first migration, and admin permissions carried over.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from clarion.taxonomy.translated import in_language

# Languages a petition's or letter's own text may be written in (the interface's
# languages are settings.LANGUAGES; these are content, so they live here and in
# migrations).
CONTENT_LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt", "Português"),
]


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Shown on Spanish pages, PDFs and in the API's translations; empty: the original.
    name_es = models.CharField(_("name in Spanish"), max_length=80, blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
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

    @property
    def shown_name(self) -> str:
        """The name in the active language, else the original."""
        return in_language(self, "name")

    @property
    def shown_description(self) -> str:
        return in_language(self, "description")


class Target(models.Model):
    """Who a petition addresses: a named person, an office, or a body."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        OFFICE = "office", _("Office")
        BODY = "body", _("Body")

    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(
        _("name in Spanish"),
        max_length=200,
        blank=True,
        help_text=_("For an office or a body; leave a person's name empty here."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BODY)
    country = CountryField(_("country"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="target_unique_name_country")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name

    @property
    def shown_name(self) -> str:
        """The name in the active language, else the original."""
        return in_language(self, "name")
