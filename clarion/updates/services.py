"""Updates to signers: published on the petition page, emailed to the confirmed signers
who asked for them (through the outbox, a batch at a time), with a one-click unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clarion.core import locks
from clarion.core.outbox import outbox_enqueue
from clarion.petitions.models import Petition, Signature, Update
from clarion.petitions.selectors import counted_signatures

UNSUBSCRIBE_SALT = "clarion.updates.unsubscribe"


def unsubscribe_token(signature_id: int) -> str:
    return signing.dumps(signature_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_signature(token: str) -> Signature | None:
    """The signature a link stands for; None for a link that isn't ours."""
    try:
        signature_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Signature.objects.select_related("petition").filter(pk=signature_id).first()


def unsubscribe(signature: Signature) -> bool:
    """Stop updates to this signer. True if they were subscribed until now."""
    return bool(
        Signature.objects.filter(pk=signature.pk, wants_updates=True).update(wants_updates=False)
    )


def update_publish(update: Update, *, email: bool = True) -> bool:
    """Show the update on the petition page and, with ``email``, start mailing it.

    The worker's ``updates_mail`` sends it to confirmed signers who asked for updates.
    Publishing twice does nothing the second time. Returns True when this call published.
    """
    now = timezone.now()
    with transaction.atomic():
        published = Update.objects.filter(pk=update.pk, published_at__isnull=True).update(
            published_at=now, mailing=Update.Mailing.SENDING if email else ""
        )
        if published:
            # The page is cached by the petition's last edit: move it.
            Petition.objects.filter(pk=update.petition_id).update(updated_at=now)
    return bool(published)


def update_post(petition: Petition, *, title: str, body: str, email: bool) -> Update:
    """Write an update and publish it at once (the organiser dashboard's way), emailing
    it with ``email`` through the same mailing as ``update_publish``."""
    with transaction.atomic():
        update = Update.objects.create(petition=petition, title=title, body=body)
        update_publish(update, email=email)
    update.refresh_from_db()
    return update


def updates_mail(batch: int = 200) -> int:
    """Queue the emails of every update being mailed, a batch at a time. Returns how many.

    Each batch (outbox rows plus the update's position, ``mailed_up_to``) commits
    together, and each row's key names the update and the signature: a worker that
    dies mid-mailing, or two that run at once, never queue one signer the same update
    twice. The lock only saves them the wasted work.
    """
    queued = 0
    for update_id in Update.objects.filter(mailing=Update.Mailing.SENDING).values_list(
        "pk", flat=True
    ):
        with locks.lock(f"update-mailing:{update_id}", ttl=120) as held:
            if held is None:
                continue
            while (count := _mail_batch(update_id, batch)) is not None:
                queued += count
                held.renew()
    return queued


@transaction.atomic
def _mail_batch(update_id: int, batch: int) -> int | None:
    """Queue the next batch; None once the update has gone to everyone."""
    update = Update.objects.select_related("petition").get(pk=update_id)
    if update.mailing != Update.Mailing.SENDING:
        return None
    signatures = list(
        update_recipients(update.petition_id)
        .filter(pk__gt=update.mailed_up_to)
        .order_by("pk")
        .only("pk", "full_name", "email", "language")[:batch]
    )
    if not signatures:
        Update.objects.filter(pk=update_id).update(mailing=Update.Mailing.SENT)
        return None
    queued = sum(_queue_update(update, signature) for signature in signatures)
    Update.objects.filter(pk=update_id).update(
        mailed_up_to=signatures[-1].pk, recipients=F("recipients") + queued
    )
    return queued


def update_recipients(petition_id: int) -> QuerySet[Signature]:
    """Who gets a petition's updates: counted signers who asked for them."""
    return counted_signatures(petition_id).filter(wants_updates=True)


def _queue_update(update: Update, signature: Signature) -> bool:
    unsubscribe_url = settings.CLARION_BASE_URL + reverse(
        "updates:unsubscribe", args=[unsubscribe_token(signature.pk)]
    )
    petition = update.petition
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "updates/email/update.txt",
            {
                "update": update,
                "petition": petition,
                "signature": signature,
                "petition_url": settings.CLARION_BASE_URL + petition.get_absolute_url(),
                "unsubscribe_url": unsubscribe_url,
                "site_name": settings.CLARION_SITE_NAME,
            },
        )
        subject = _("Update: %(title)s") % {"title": update.title}
    return outbox_enqueue(
        key=f"update:{update.pk}:{signature.pk}",
        to=signature.email,
        subject=subject,
        body=body,
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
