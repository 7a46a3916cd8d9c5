"""Infrastructure tables: the outbox every email goes through, and the database
backends of the periodic schedule, locks and rate limits.

The last three are only used when ``REDIS_URL`` is empty: then the database is the one
shared place every worker and web process can see, and a conditional UPDATE is the claim.
Queued tasks live in django-tasks-db's own table (see ``clarion.core.tasks``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PeriodicSlot(models.Model):
    """When a periodic job may next run; the worker that moves it forward runs it."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Lock(models.Model):
    """A named lock with a lease, so a holder that dies frees it by itself."""

    name = models.CharField(max_length=100, primary_key=True)
    owner = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class RateLimitBucket(models.Model):
    """Hits on one rate-limit key in its current fixed window (see core.ratelimit)."""

    key = models.CharField(max_length=200, primary_key=True)
    # Window boundaries in whole seconds since the epoch: plain integers keep the one
    # INSERT ... ON CONFLICT statement the same on SQLite and PostgreSQL.
    window_start = models.BigIntegerField()
    window_end = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="ratelimit_window"
            )
        ]

    def __str__(self) -> str:
        return self.key


class OutboxMessage(models.Model):
    """One email, written in the same transaction as the change that causes it.

    A rolled-back signature therefore sends nothing and a committed one is never
    forgotten; the unique ``key`` makes enqueueing idempotent, and the status column is
    claimed with a conditional UPDATE so two senders never send one message twice
    (``clarion.core.outbox``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Not sent: the address had its day's share of mail anyone can trigger.
        DROPPED = "dropped", "Dropped (daily cap)"

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # Indexed by outbox_due (status, next_attempt_at) below, which every lookup by status
    # can use: a second index would only cost each queued email one more write.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
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
    # Mail that anyone can make the site send (a form's confirmation link, a my-data
    # link): one address gets at most CLARION_MAIL_PER_ADDRESS_PER_DAY of it a day,
    # counted by the sender from these rows, so a request pays no extra write.
    capped = models.BooleanField(default=False)
    to_key = models.CharField(max_length=254, blank=True)  # ``to``'s address, lower case
    # Mail written by the sender rather than by the request that queued it: the name of
    # a registered composer and what it needs (clarion.core.outbox.compose). Subject and
    # body stay empty until the message is sent.
    composer = models.CharField(max_length=60, blank=True)
    composer_args = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(
                fields=["to_key", "sent_at"], condition=Q(capped=True), name="outbox_capped_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
