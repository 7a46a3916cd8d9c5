"""The letter page, the sign-on forms and the confirmation step, through HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from clarion.core.models import OutboxMessage
from clarion.letters.models import Letter, OrganisationSignature, SignOnStatus
from tests.letters.fixtures import letter_token

pytestmark = pytest.mark.django_db

ORG_FORM = {
    "name": "Colectivo Río Limpio",
    "acronym": "CRL",
    "name_other_language": "Clean River Collective",
    "country": "MX",
    "website": "https://rio.example.org",
    "contact_name": "Private Person",
    "email": "private.contact@rio.example.org",
    "authorised": "on",
}


def test_it_shows_the_letter_in_the_seed_order(client, letter, endorse, sign_letter):
    endorse(letter, "Zeta Collective", acronym="ZC", name_other_language="Colectivo Zeta")
    endorse(letter, "Alpha Network", country="US")
    sign_letter(letter, "Ana Person", affiliation="hydrologist")
    response = client.get(letter.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index("<main") :]
    order = [
        "Clean water for the Sarapique",  # title
        "<time datetime=",  # date
        "Minister of Water",  # addressees
        "Rosa Quintero",
        "Dear Minister,",  # salutation
        "We, the undersigned",  # body
        "<blockquote>",  # the quoted list
        "Respectfully,",  # closing
        "Signed by 2 organisations",
        "Alpha Network",
        "Zeta Collective (ZC)",
        "Colectivo Zeta (ZC)",
        "Ana Person",
    ]
    positions = [html.index(part) for part in order]
    assert positions == sorted(positions)
    assert "Mexico" in html and "United States" in html  # countries
    assert "bsky.app/intent" in html  # share links
    assert reverse("letters:pdf", args=[letter.slug]) in html


def test_it_never_shows_contact_people_or_emails(client, letter, endorse, sign_letter):
    endorse(letter, "Agua Viva", contact_name="Hidden Contact", email="hidden@agua.example.org")
    sign_letter(letter, "Public Name", email="secret.person@example.net")
    for path in (letter.get_absolute_url(), reverse("letters:index")):
        html = client.get(path).content.decode()
        assert "Agua Viva" in html or path == reverse("letters:index")
        assert "Hidden Contact" not in html
        assert "@agua.example.org" not in html
        assert "secret.person" not in html


def test_it_hides_drafts_from_the_public(client, make_letter, moderator):
    draft = make_letter(status=Letter.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_it_shows_the_version_in_the_readers_language(client, letter):
    english = client.get(letter.get_absolute_url()).content.decode()
    assert "Dear Minister," in english
    assert "?lang=es" in english  # a link to the other version
    with translation.override("es"):
        spanish = client.get(letter.get_absolute_url()).content.decode()
    assert "Estimada Ministra:" in spanish and "Dear Minister," not in spanish
    assert 'lang="es"' in spanish
    chosen = client.get(letter.get_absolute_url() + "?lang=es").content.decode()
    assert "Las organizaciones firmantes" in chosen
    # A language the letter has no version in falls back to the original.
    assert "Dear Minister," in client.get(letter.get_absolute_url() + "?lang=fr").content.decode()


def test_an_organisation_signs_on_end_to_end(client, letter):
    response = client.post(reverse("letters:endorse", args=[letter.slug]), ORG_FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:thanks", args=[letter.slug])
    signon = OrganisationSignature.objects.get()
    assert signon.status == SignOnStatus.PENDING
    mail = OutboxMessage.objects.get(key__startswith="letter-confirm:org:")
    assert mail.to == "private.contact@rio.example.org"

    # Opening the link (as a mail scanner would) changes nothing.
    confirm_url = reverse("letters:confirm", args=["org", letter_token(signon)])
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert b"Confirm my signature" in page.content
    signon.refresh_from_db()
    assert signon.status == SignOnStatus.PENDING

    response = client.post(confirm_url)
    assert response.status_code == 302
    signon.refresh_from_db()
    assert signon.status == SignOnStatus.CONFIRMED
    # Not shown until a moderator approves it.
    assert "Colectivo Río Limpio" not in client.get(letter.get_absolute_url()).content.decode()
    assert client.post(confirm_url).status_code == 200  # used: "already confirmed"


def test_a_second_sign_on_by_the_same_organisation_gets_a_clear_answer(client, letter, endorse):
    endorse(letter, "Colectivo Rio Limpio", email="first@example.org")
    response = client.post(reverse("letters:endorse", args=[letter.slug]), ORG_FORM)
    assert response.status_code == 409
    html = response.content.decode()
    assert "already signed this letter" in html
    assert "first@example.org" not in html
    assert OrganisationSignature.objects.count() == 1


def test_it_refuses_a_bad_sign_on_with_a_message(client, letter):
    bad = {**ORG_FORM, "name": "<script>x</script>", "email": "nope", "authorised": ""}
    response = client.post(reverse("letters:endorse", args=[letter.slug]), bad)
    assert response.status_code == 400
    assert b"Please correct the fields marked below." in response.content
    assert not OrganisationSignature.objects.exists()


def test_it_limits_sign_ons_per_address(client, letter, settings):
    settings.CLARION_LETTER_SIGNONS_PER_HOUR = 2
    url = reverse("letters:endorse", args=[letter.slug])
    for n in range(2):
        form = {**ORG_FORM, "name": f"Org {n}", "email": f"c{n}@example.org"}
        assert client.post(url, form).status_code == 302
    response = client.post(url, {**ORG_FORM, "name": "Org 3"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert OrganisationSignature.objects.count() == 2


def test_an_individual_signs_and_shows_after_confirming(client, letter):
    form = {"full_name": "Marta Signer", "email": "marta@example.net", "country": "GT"}
    response = client.post(reverse("letters:sign", args=[letter.slug]), form)
    assert response.status_code == 302
    signon = letter.individuals.get()
    assert "Marta Signer" not in client.get(letter.get_absolute_url()).content.decode()
    client.post(reverse("letters:confirm", args=["person", letter_token(signon)]))
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Marta Signer" in html and "marta@example.net" not in html


def test_it_answers_a_bad_link_with_404(client):
    assert client.get(reverse("letters:confirm", args=["org", "nonsense"])).status_code == 404
    assert client.post("/letters/confirm/other/nonsense/").status_code == 404


def test_the_index_lists_public_letters_with_their_count(client, letter, endorse, make_letter):
    endorse(letter, "Agua Viva")
    make_letter(title="Hidden draft", status=Letter.Status.DRAFT, published_at=None)
    html = client.get(reverse("letters:index")).content.decode()
    assert "Clean water for the Sarapique" in html and "1 organisation" in html
    assert "Hidden draft" not in html


def test_the_site_navigation_links_the_letters(client, db):
    assert reverse("letters:index") in client.get("/").content.decode()
