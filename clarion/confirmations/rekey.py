"""Re-keying stored addresses after the key's rules change (used by data migrations)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clarion.core.addresses import normalise_email


def rekey(model) -> int:
    """Bring every row's ``email_normalised`` in line with ``normalise_email``.

    A row whose new key another row already holds keeps its old one (two signatures of
    one mailbox made before the rules changed stay two), as does an address the rules
    now refuse. Returns how many rows changed.
    """
    changed = 0
    for pk, email, key in model.objects.values_list("pk", "email", "email_normalised").iterator():
        try:
            new_key = normalise_email(email)
        except ValidationError:
            continue
        if new_key == key:
            continue
        try:
            with transaction.atomic():
                model.objects.filter(pk=pk).update(email_normalised=new_key)
        except IntegrityError:
            continue
        changed += 1
    return changed
