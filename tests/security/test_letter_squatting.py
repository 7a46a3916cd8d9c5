"""No squatting on letters (issue 14, outcome 7): only a confirmed (or approved)
organisation sign-on holds its name; moderators see competing requests side by side."""

from __future__ import annotations

import pytest

from clarion.confirmations.services import confirm as confirm_link
from clarion.confirmations.services import lookup
from clarion.letters import selectors
from clarion.letters.models import OrganisationSignature
from clarion.letters.services import (
    DuplicateOrganisation,
    OrganisationInput,
    organisation_signon,
    signons_reject,
)
from tests.letters.fixtures import letter_token

pytestmark = pytest.mark.django_db


def _request(letter, email: str, name: str = "Agua Viva"):
    data = OrganisationInput(name=name, contact_name="Someone", email=email, country="MX")
    return organisation_signon(letter=letter, data=data, ip="192.0.2.9")


def test_an_unconfirmed_request_does_not_block_the_real_organisation(letter, client):
    squatter = _request(letter, "squatter@example.net")
    real = _request(letter, "contacto@aguaviva.example.org")  # accepted, not refused
    assert real.pk != squatter.pk
    assert confirm_link("org", letter_token(real)).state.value == "confirmed"
    # The squatter's link can't take the name any more, and says why.
    page = client.get(f"/letters/confirm/org/{letter_token(squatter)}/")
    assert page.status_code == 409
    assert "already signed" in page.content.decode()
    assert confirm_link("org", letter_token(squatter)).state.value == "taken"
    squatter.refresh_from_db()
    assert squatter.status == "pending"


def test_once_a_name_is_held_another_contact_is_refused_without_names(letter):
    real = _request(letter, "contacto@aguaviva.example.org")
    confirm_link("org", letter_token(real))
    with pytest.raises(DuplicateOrganisation) as refused:
        _request(letter, "squatter@example.net", name="AGUA VIVA")
    assert "contacto@" not in refused.value.messages[0]


def test_a_rejected_sign_on_frees_the_name(letter):
    first = _request(letter, "first@example.net")
    confirm_link("org", letter_token(first))
    signons_reject(OrganisationSignature.objects.filter(pk=first.pk))
    second = _request(letter, "contacto@aguaviva.example.org")
    assert lookup("org", letter_token(second)).state.value == "ready"
    confirm_link("org", letter_token(second))
    second.refresh_from_db()
    assert second.status == "confirmed"


def test_moderators_see_competing_requests_side_by_side(letter, client, moderator):
    _request(letter, "squatter@example.net")
    _request(letter, "contacto@aguaviva.example.org")
    _request(letter, "alone@example.org", name="Río Limpio")
    client.force_login(moderator)
    page = client.get("/admin/letters/organisationsignature/", {"competing": "yes"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("squatter@example.net") == 1
    assert html.count("contacto@aguaviva.example.org") == 1
    assert "alone@example.org" not in html
    assert selectors.approved_organisations(letter) == []
