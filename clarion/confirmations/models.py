"""What every email-confirmed action stores: the address, the link, and when it was used.

A concrete model (a petition signature, a letter sign-on) adds what is being signed and
what the person typed, and registers a ``Flow`` (``clarion.confirmations.flows``) that
tells the shared service how to word the emails and the page.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Confirmable(models.Model):
    # Private: shown to moderators and in the signer's own export, never on a public
    # page, feed, PDF or API answer.
    email = models.EmailField(_("email"), max_length=254)
    # The uniqueness key (``addresses.normalise_email``): one person, one row.
    email_normalised = models.CharField(max_length=254, editable=False)
    language = models.CharField(max_length=8, default="en", editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("signed"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    # sha256 of the emailed token: a database leak reveals no usable link.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_expires_at = models.DateTimeField(editable=False)
    # When the link was last emailed: a pending item's link goes again at most once per
    # CLARION_CONFIRM_RESEND_MINUTES, however often the form is sent.
    link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
