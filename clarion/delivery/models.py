"""The outbox: every email Clarion sends is first a row here.

Writing the message in the same transaction as the change that causes it means a
rolled-back signature sends nothing and a committed one is never forgotten; the
unique ``key`` makes enqueueing idempotent, and the status column is claimed with a
conditional UPDATE so two senders never send one message twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Extra headers (List-Unsubscribe on updates) and at most one attachment (the PDF
    # of a delivered petition or letter): what the sender needs beyond the text.
    headers = models.JSONField(default=dict, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


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
