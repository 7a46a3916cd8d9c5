"""Sign-on rules: confirmation, moderation, one organisation per letter."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from clarion.confirmations.services import confirm as confirm_link
from clarion.confirmations.services import lookup
from clarion.core.models import OutboxMessage
from clarion.letters import selectors
from clarion.letters.models import Letter, OrganisationSignature, SignOnStatus
from clarion.letters.services import (
    DuplicateOrganisation,
    OrganisationInput,
    SignOnError,
    normalise_org_name,
    organisation_signon,
    signons_approve,
    signons_reject,
)
from tests.letters.fixtures import letter_token

pytestmark = pytest.mark.django_db


def test_it_folds_case_accents_punctuation_and_spacing_in_names():
    assert normalise_org_name("  Fundación  Río Claro, A.C. ") == "fundacion rio claro ac"
    assert normalise_org_name("FUNDACION rio-claro AC") == "fundacion rio claro ac"
    assert normalise_org_name("Amnistía") != normalise_org_name("Amnesty")


def test_it_shows_an_organisation_only_after_confirmation_and_approval(letter, endorse):
    signon = endorse(letter, "Agua Viva", status="pending")
    assert signon.status == SignOnStatus.PENDING
    assert selectors.approved_organisations(letter) == []

    confirm_link("org", letter_token(signon))
    signon.refresh_from_db()
    assert signon.status == SignOnStatus.CONFIRMED
    assert selectors.approved_organisations(letter) == []
    assert selectors.organisation_count(letter) == 0

    assert signons_approve(OrganisationSignature.objects.filter(pk=signon.pk)) == 1
    assert [o.name for o in selectors.approved_organisations(letter)] == ["Agua Viva"]
    assert selectors.organisation_count(letter) == 1


def test_it_never_approves_a_sign_on_nobody_confirmed(letter, endorse):
    signon = endorse(letter, "Unconfirmed Group", status="pending")
    assert signons_approve(OrganisationSignature.objects.filter(pk=signon.pk)) == 0
    signon.refresh_from_db()
    assert signon.status == SignOnStatus.PENDING


def test_it_hides_rejected_organisations_and_frees_their_name(letter, endorse):
    signon = endorse(letter, "Spam Org")
    signons_reject(OrganisationSignature.objects.filter(pk=signon.pk))
    assert selectors.approved_organisations(letter) == []
    # A rejected sign-on holds nothing: the real organisation can sign in its name.
    real = endorse(letter, "spam org", email="someone-else@example.net")
    assert [o.pk for o in selectors.approved_organisations(letter)] == [real.pk]


def test_it_refuses_the_same_organisation_twice_with_another_contact(letter, endorse):
    endorse(letter, "Centro Prodigio, A.C.", email="first@centro.example.org")
    with pytest.raises(DuplicateOrganisation) as info:
        endorse(letter, "centro  prodigio ac", email="second@other.example.org", status="pending")
    message = info.value.messages[0]
    # The answer says what happened without naming who signed for it.
    assert "already" in message
    assert "first@" not in message and "Lucía" not in message
    assert OrganisationSignature.objects.filter(letter=letter).count() == 1


def test_it_resends_the_link_to_the_same_contact_signing_again(letter, endorse, settings):
    settings.CLARION_CONFIRM_RESEND_MINUTES = 0  # the resend limit is tested in tests/security
    first = endorse(letter, "Agua Viva", email="c@agua.example.org", status="pending")
    again = endorse(letter, "AGUA VIVA", email="C@agua.example.org", status="pending")
    assert again.pk == first.pk
    links = OutboxMessage.objects.filter(key__startswith=f"letter-confirm:org:{first.pk}:")
    assert links.count() == 2
    # The newer link works; the older one was replaced.
    assert lookup("org", letter_token(first)).state.value == "ready"


def test_it_tells_a_confirmed_contact_they_have_signed_already(letter, endorse):
    first = endorse(letter, "Agua Viva", email="c@agua.example.org")
    endorse(letter, "Agua Viva", email="c@agua.example.org", status="pending")
    assert OutboxMessage.objects.filter(key__startswith=f"letter-already:org:{first.pk}:").exists()


def test_the_database_lets_one_sign_on_hold_an_organisation_s_name(letter, endorse):
    signon = endorse(letter, "Agua Viva")
    clone = OrganisationSignature(
        letter=letter,
        name="Agua Viva bis",
        name_normalised=signon.name_normalised,
        contact_name="X",
        email="x@example.org",
        email_normalised="x@example.org",
        token_hash="other",
        token_expires_at=signon.token_expires_at,
    )
    clone.save()  # a competing request may wait, unconfirmed
    clone.status, clone.confirmed_at = "confirmed", signon.confirmed_at
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()  # but never hold the name beside the approved one


def test_it_takes_no_sign_on_for_a_closed_letter(make_letter):
    closed = make_letter(status=Letter.Status.CLOSED)
    with pytest.raises(SignOnError):
        organisation_signon(
            letter=closed,
            data=OrganisationInput(name="Late Org", contact_name="A", email="a@example.org"),
        )


def test_it_lists_signatories_in_the_order_the_letter_asks(make_letter, endorse):
    alphabetical = make_letter()
    by_time = make_letter(signatory_order=Letter.SignatoryOrder.SIGNED)
    for letter in (alphabetical, by_time):
        for name in ("Zeta Collective", "Ámbar Foundation", "Mid Network"):
            endorse(letter, name)
    assert [o.name for o in selectors.approved_organisations(alphabetical)] == [
        "Ámbar Foundation",
        "Mid Network",
        "Zeta Collective",
    ]
    assert [o.name for o in selectors.approved_organisations(by_time)] == [
        "Zeta Collective",
        "Ámbar Foundation",
        "Mid Network",
    ]


def test_it_shows_confirmed_individuals_in_their_own_list(letter, sign_letter):
    sign_letter(letter, "Ana Person")
    sign_letter(letter, "Pending Person", confirm=False)
    assert [p.full_name for p in selectors.public_individuals(letter)] == ["Ana Person"]
    assert selectors.organisation_count(letter) == 0


def test_it_takes_individuals_only_where_the_letter_allows(make_letter, sign_letter):
    orgs_only = make_letter(individuals_may_sign=False)
    with pytest.raises(SignOnError):
        sign_letter(orgs_only)
