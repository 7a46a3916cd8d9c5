"""Letters for the tests: one open for sign-on, with addressees and a translation."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from django.utils import timezone

from clarion.confirmations.services import confirm as confirm_link
from clarion.core.models import OutboxMessage
from clarion.letters.models import Addressee, Letter, LetterTranslation, SignOnStatus
from clarion.letters.services import (
    IndividualInput,
    OrganisationInput,
    individual_signon,
    organisation_signon,
    signons_approve,
)
from tests.conftest import written

_counter = itertools.count(1)


def letter_token(signon) -> str:
    """The token from the newest confirmation email sent for this sign-on."""
    kind = "org" if hasattr(signon, "name_normalised") else "person"
    message = (
        OutboxMessage.objects.filter(key__startswith=f"letter-confirm:{kind}:{signon.pk}:")
        .order_by("-id")
        .first()
    )
    assert message is not None, "no confirmation email was queued"
    body = written(message).body
    match = re.search(r"/letters/confirm/(org|person)/([A-Za-z0-9_\-]+)/", body)
    assert match, body
    return match.group(2)


@pytest.fixture
def make_letter(db) -> Callable[..., Letter]:
    def make(**overrides) -> Letter:
        n = next(_counter)
        addressees = overrides.pop(
            "addressees",
            [
                {"title": "Minister of Water", "name": "Rosa Quintero", "country": "MX"},
                {"title": "Secretary of the Interior", "name": "", "country": "US"},
            ],
        )
        translation = overrides.pop(
            "translation",
            {
                "language": "es",
                "title": f"Carta sobre el río {n}",
                "salutation": "Estimada Ministra:",
                "body": "Las organizaciones firmantes pedimos agua limpia.",
                "closing": "Atentamente,",
            },
        )
        fields = {
            "title": f"Letter about river {n}",
            "slug": f"letter-river-{n}",
            "language": "en",
            "salutation": "Dear Minister,",
            "body": (
                "We, the undersigned, ask for clean water.\n\n"
                '> - "publish the data"\n> - "protect the monitors"'
            ),
            "closing": "Respectfully,",
            "countries": ["MX", "US"],
            "status": Letter.Status.OPEN,
            "published_at": timezone.now(),
            "individuals_may_sign": True,
        }
        fields.update(overrides)
        letter = Letter.objects.create(**fields)
        for position, addressee in enumerate(addressees, start=1):
            Addressee.objects.create(letter=letter, position=position, **addressee)
        if translation:
            LetterTranslation.objects.create(letter=letter, **translation)
        return letter

    return make


@pytest.fixture
def letter(make_letter) -> Letter:
    return make_letter(title="Clean water for the Sarapique", slug="clean-water")


@pytest.fixture
def endorse(db) -> Callable:
    """An organisation signs on, confirms by email and (by default) is approved."""

    def do(letter: Letter, name: str = "Agua Viva", *, status: str = "approved", **fields):
        data = OrganisationInput(
            name=name,
            contact_name=fields.pop("contact_name", "Lucía Contact"),
            email=fields.pop("email", f"contact+{next(_counter)}@agua.example.org"),
            country=fields.pop("country", "MX"),
            **fields,
        )
        signon = organisation_signon(letter=letter, data=data, ip="192.0.2.9")
        if status in (SignOnStatus.CONFIRMED, SignOnStatus.APPROVED):
            confirm_link("org", letter_token(signon))
        if status == SignOnStatus.APPROVED:
            signons_approve(type(signon).objects.filter(pk=signon.pk))
        signon.refresh_from_db()
        return signon

    return do


@pytest.fixture
def sign_letter(db) -> Callable:
    def do(letter: Letter, full_name: str = "Ana Person", *, confirm: bool = True, **fields):
        data = IndividualInput(
            full_name=full_name,
            email=fields.pop("email", f"person{next(_counter)}@example.net"),
            country=fields.pop("country", "GT"),
            **fields,
        )
        signon = individual_signon(letter=letter, data=data, ip="192.0.2.10")
        if confirm:
            confirm_link("person", letter_token(signon))
            signon.refresh_from_db()
        return signon

    return do
