"""Where signatures came from: the ?source= tag of shared links, tallied per petition.

A link such as /p/<slug>/?source=newsletter carries its tag into the sign form. The
pending signature holds the tag until it is confirmed; confirming adds one to the
petition's tally and clears the tag (``tally_confirmed``), so what is kept is a count
per tag, never which signer came from where.
"""

from __future__ import annotations

import re

from django.db.models import F

from clarion.core.db import insert_or_skip
from clarion.petitions.models import PetitionSource, Signature

_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def clean_source(value: object) -> str:
    """The tag as stored (lower case), or "" for anything that is not a short tag.

    A link's tag is not something the signer typed, so a bad one is dropped quietly
    rather than shown as an error.
    """
    tag = str(value or "").strip().lower()
    return tag if _TAG.match(tag) else ""


def tally_confirmed(signature: Signature) -> None:
    """Count a just-confirmed signature under its tag, then forget the tag.

    Called in the confirming transaction (``SignatureFlow.on_confirmed``). Held
    signatures are not counted anywhere, so not here either.
    """
    tag = signature.source
    if not tag:
        return
    Signature.objects.filter(pk=signature.pk).update(source="")
    signature.source = ""
    if signature.held:
        return
    petition_id = signature.petition_id
    known = PetitionSource.objects.filter(petition_id=petition_id)
    if not known.filter(source=tag).exists() and known.count() >= PetitionSource.MAX_PER_PETITION:
        tag = PetitionSource.OTHER
    row = PetitionSource(petition_id=petition_id, source=tag, signatures=1)
    if not insert_or_skip(row, conflict=("petition", "source")):
        known.filter(source=tag).update(signatures=F("signatures") + 1)
