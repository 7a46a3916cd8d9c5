"""Deliveries: a petition or letter sent to its targets, PDF attached, and recorded."""

from __future__ import annotations

import logging
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from clarion.core.outbox import outbox_enqueue
from clarion.delivery.kinds import kind_of
from clarion.delivery.models import Delivery

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

logger = logging.getLogger("clarion.delivery")

# A delivery goes to a handful of officials, not a mailing list.
MAX_DELIVERY_RECIPIENTS = 50


class DeliveryError(ValueError):
    """A delivery that can't be made, with a message fit to show the organiser."""


def parse_recipients(text: str) -> list[tuple[str, str]]:
    """Lines of "Name <address>" or a bare address, as (name, address) pairs."""
    recipients = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, address = parseaddr(line)
        try:
            validate_email(address)
        except ValidationError:
            raise DeliveryError(
                _("“%(line)s” is not an email address (write Name <address>).") % {"line": line}
            ) from None
        recipients.append((name.strip() or address, address))
    if not recipients:
        raise DeliveryError(_("Give at least one recipient."))
    if len(recipients) > MAX_DELIVERY_RECIPIENTS:
        raise DeliveryError(
            _("At most %(n)s recipients per delivery.") % {"n": MAX_DELIVERY_RECIPIENTS}
        )
    return recipients


def delivery_create(
    *,
    subject_of: Model,
    recipients: list[tuple[str, str]],
    subject: str,
    message: str,
    user: AbstractBaseUser | None,
) -> Delivery:
    """Send a petition or letter to its targets, PDF attached, and record it.

    The PDF is made first (the slow part, outside the transaction); the record and
    one outbox message per recipient are then written together, so a delivery is
    either recorded and on its way to everyone or not at all.
    """
    kind = kind_of(subject_of)
    document, filename = kind.document(subject_of)
    with transaction.atomic():
        delivery = Delivery.objects.create(
            **{kind.name: subject_of},
            recipient_names="\n".join(name for name, _address in recipients),
            recipient_emails="\n".join(address for _name, address in recipients),
            subject=subject,
            message=message,
            count=kind.count(subject_of),
            delivered_by=user if user is not None and user.is_authenticated else None,
        )
        for n, (name, address) in enumerate(recipients):
            outbox_enqueue(
                key=f"delivery:{delivery.pk}:{n}",
                to=formataddr((name, address)) if name != address else address,
                subject=subject,
                body=message,
                attachment=(filename, "application/pdf", document),
            )
        kind.mark_delivered(subject_of)
    return delivery


def may_deliver(user: AbstractBaseUser, obj: Model) -> bool:
    """Superusers, a petition's organisers, and editors of letters may deliver."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or kind_of(obj).may_deliver(user, obj)
