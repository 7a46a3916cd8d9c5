"""Email addresses as keys: when two addresses are one person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_email(email: str) -> str:
    """The form of an address used to tell whether one person signed twice.

    The whole address is case-folded (almost no mail system treats the local part
    case-sensitively, and a signer who types their address in capitals is the same
    person) and an internationalised domain is stored in its ASCII (IDNA) form.
    """
    email = email.strip()
    local, _sep, domain = email.rpartition("@")
    if not local or not domain:
        raise ValidationError(_("Enter a valid email address."))
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("Enter a valid email address.")) from None
    return f"{local.casefold()}@{domain.lower()}"
