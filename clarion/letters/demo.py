"""The demo letter: original text, invented organisations, loaded by `clarion demo`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from clarion.letters.models import (
    Addressee,
    IndividualSignature,
    Letter,
    LetterTranslation,
    OrganisationSignature,
    SignOnStatus,
)
from clarion.letters.services import normalise_org_name
from clarion.taxonomy.models import Category

CONTENT = Path(__file__).resolve().parent / "demo" / "letters.json"


@transaction.atomic
def load_demo_letters(path: Path = CONTENT) -> int:
    """Create the demo letters that are not there yet; returns how many were created."""
    content = json.loads(path.read_text(encoding="utf-8"))
    now = timezone.now()
    created = 0
    for item in content["letters"]:
        if Letter.objects.filter(slug=item["slug"]).exists():
            continue
        published = now - timedelta(days=item["days_ago"])
        letter = Letter.objects.create(
            slug=item["slug"],
            title=item["title"],
            language=item["language"],
            date=published.date(),
            salutation=item["salutation"],
            body=item["body"],
            closing=item["closing"],
            countries=item["countries"],
            status=item["status"],
            signatory_order=item["signatory_order"],
            individuals_may_sign=item["individuals_may_sign"],
            created_at=published - timedelta(days=1),
            published_at=published,
            updated_at=published,
        )
        letter.categories.set(Category.objects.filter(slug__in=item["categories"]))
        for position, addressee in enumerate(item["addressees"], start=1):
            Addressee.objects.create(letter=letter, position=position, **addressee)
        for translation in item["translations"]:
            LetterTranslation.objects.create(letter=letter, **translation)
        _signatories(letter, item, published)
        created += 1
    return created


def _signatories(letter: Letter, item: dict, published) -> None:
    n = 0
    for status, rows in (
        (SignOnStatus.APPROVED, item["organisations"]),
        (SignOnStatus.CONFIRMED, item.get("pending_organisations", [])),
    ):
        for org in rows:
            n += 1
            signed = published + timedelta(hours=3 * n)
            slug = normalise_org_name(org["name"]).replace(" ", ".")[:40]
            OrganisationSignature.objects.create(
                letter=letter,
                name_normalised=normalise_org_name(org["name"]),
                contact_name=f"Contact {n}",
                email=f"contact@{slug}.example.org",
                email_normalised=f"contact@{slug}.example.org",
                status=status,
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=20),
                moderated_at=signed + timedelta(hours=2)
                if status == SignOnStatus.APPROVED
                else None,
                token_hash=f"demo-letter-org-{letter.pk}-{n}",
                token_expires_at=signed,
                **org,
            )
    for i, person in enumerate(item.get("individuals", []), start=1):
        signed = published + timedelta(hours=5 * i)
        email = f"person{i}.letter{letter.pk}@example.org"
        IndividualSignature.objects.create(
            letter=letter,
            email=email,
            email_normalised=email,
            status=SignOnStatus.CONFIRMED,
            created_at=signed,
            confirmed_at=signed + timedelta(minutes=10),
            token_hash=f"demo-letter-person-{letter.pk}-{i}",
            token_expires_at=signed,
            **person,
        )
