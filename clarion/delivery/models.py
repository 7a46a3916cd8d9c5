"""Deliveries: a petition or letter handed to its targets, and the record of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """A petition or letter handed to its targets: when, to whom, and how many signed."""

    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    letter = models.ForeignKey(
        "letters.Letter",
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    # Public: who received it ("Ministry of Water"); the addresses stay private.
    recipient_names = models.TextField(_("recipients"))
    recipient_emails = models.TextField(_("recipient addresses"))
    subject = models.CharField(_("subject"), max_length=300)
    message = models.TextField(_("message"), max_length=10000)
    # The count when it was delivered: signatures for a petition, organisations for a letter.
    count = models.PositiveIntegerField(_("count at delivery"))
    delivered_at = models.DateTimeField(_("delivered"), default=timezone.now)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-delivered_at", "-id"]
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(petition__isnull=True) ^ Q(letter__isnull=True),
                name="delivery_of_one_petition_or_letter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.delivered_at:%Y-%m-%d})"
