"""Support appeals: a short text and a link, per interface language.

One appeal may be site-wide; a petition or a letter may name another as its override
(``Petition.appeal``, ``Letter.appeal``: the domain apps point here, this app knows
neither). Clarion handles no payment: the link leads to wherever the operator takes
donations or volunteers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 400


class Appeal(models.Model):
    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("For the admin only; never shown.")
    )
    site_wide = models.BooleanField(
        _("site-wide"),
        default=False,
        help_text=_(
            "Shown after every signature and at the foot of every letter that has no "
            "appeal of its own. At most one appeal is site-wide."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-site_wide", "name"]
        verbose_name = _("support appeal")
        verbose_name_plural = _("support appeals")
        constraints = [
            # The database, not the admin form, keeps "the" site-wide appeal one.
            models.UniqueConstraint(
                fields=["site_wide"], condition=Q(site_wide=True), name="appeal_one_site_wide"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AppealText(models.Model):
    """The appeal in one interface language; a language without one shows no appeal."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    link_label = models.CharField(_("link text"), max_length=80)
    url = models.URLField(
        _("link"),
        max_length=500,
        help_text=_("Where people give or help: your donation or volunteering page."),
    )

    class Meta:
        ordering = ["appeal", "language"]
        verbose_name = _("text")
        verbose_name_plural = _("texts")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "language"], name="appealtext_one_per_language"
            ),
            # Only web links: a javascript: or data: URL must never reach a page.
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"),
                name="appealtext_web_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} ({self.language})"
