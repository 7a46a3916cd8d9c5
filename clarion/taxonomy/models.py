"""Categories and targets: the shared vocabulary of petitions, letters and stories.

Both lived in the petitions app until the apps were layered; their tables were renamed
from ``petitions_*`` by this app's first migration, and admin permissions carried over.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

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
