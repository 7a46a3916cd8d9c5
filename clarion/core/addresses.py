"""Email addresses as keys: when two addresses are one mailbox.

The key (``email_normalised``) decides "one person, one signature"; the address as
typed is what mail goes to. The key folds what mail systems fold, so one mailbox can't
sign twice by writing its address another way, and refuses what only looks like an
address a person reads.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Gmail ignores dots in the local part and answers for both domains.
_GMAIL = {"gmail.com", "googlemail.com"}


def _unquoted(local: str) -> str:
    """``"ana"`` is ``ana``: a quoted local part without its quotes and escapes."""
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        inner, out, escaped = local[1:-1], [], False
        for char in inner:
            if escaped or char != "\\":
                out.append(char)
                escaped = False
            else:
                escaped = True
        return "".join(out)
    return local


def normalise_email(email: str) -> str:
    """The key of an address: the same for every way of writing one mailbox.

    Case-folded; the domain in its ASCII (IDNA) form; a quoted local part unquoted; a
    ``+tag`` dropped; for Gmail, dots dropped and googlemail.com read as gmail.com.
    Refused, with a message the signer can act on: no domain, a domain literal such as
    ``x@[127.0.0.1]``, and a local part of letters that only look plain (a long s "ſ"
    that folds into "s"), which would let one mailbox hold two keys.
    """
    email = email.strip()
    local, _sep, domain = email.rpartition("@")
    if not local or not domain:
        raise ValidationError(_("Enter a valid email address."))
    if domain.startswith("["):
        raise ValidationError(_("Use an address with a domain name, not an IP address."))
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValidationError(_("Enter a valid email address.")) from None
    local = _unquoted(local)
    if not local.isascii() and unicodedata.normalize("NFKC", local).casefold().isascii():
        raise ValidationError(_("Type this address with plain letters: some only look plain."))
    key = local.casefold()
    untagged = key.split("+", 1)[0]
    key = untagged or key
    if domain in _GMAIL:
        key, domain = key.replace(".", "") or key, "gmail.com"
    return f"{key}@{domain}"
