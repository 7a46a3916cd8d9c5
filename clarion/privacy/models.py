"""What privacy stores of its own: the links that open a signer's data."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AccessLink(models.Model):
    """An emailed "my data" link: the hash of its token and the address key it opens.

    The token is random, so the link says nothing about whose data it opens (a signed
    token would carry the address for anyone to decode), and a database leak reveals no
    usable link.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    email_key = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"link {self.pk} until {self.expires_at:%Y-%m-%d %H:%M}"
