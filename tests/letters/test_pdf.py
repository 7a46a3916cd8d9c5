"""PDFs of letters and petitions, read back as text."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clarion.letters.models import Letter

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Lines wrap anywhere in a PDF: compare with the spacing folded.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_letter_pdf_holds_the_letter_and_its_signatories(client, letter, endorse, sign_letter):
    endorse(letter, "Agua Viva", acronym="AV", email="contact.private@agua.example.org")
    endorse(letter, "Riverwatch Alliance", name_other_language="Alianza Vigilancia de Ríos")
    endorse(letter, "Not Yet Approved", status="confirmed")
    sign_letter(letter, "Ana Person", email="ana.private@example.net")
    text = _text(client.get(reverse("letters:pdf", args=[letter.slug])))
    for expected in (
        "Clean water for the Sarapique",
        "Minister of Water",
        "Rosa Quintero",
        "Dear Minister,",
        "publish the data",
        "Signed by 2 organisations",
        "Agua Viva (AV)",
        "Alianza Vigilancia de Ríos",
        "Ana Person",
    ):
        assert expected in text, expected
    assert "Not Yet Approved" not in text
    assert "@" not in text.replace("http", "")  # no address of any kind
    assert "Lucía Contact" not in text


def test_the_letter_pdf_comes_in_the_chosen_language(client, letter):
    text = _text(client.get(reverse("letters:pdf", args=[letter.slug]) + "?lang=es"))
    assert "Estimada Ministra:" in text and "Dear Minister," not in text


def test_a_new_signatory_makes_a_new_pdf(client, letter, endorse):
    url = reverse("letters:pdf", args=[letter.slug])
    assert "Late Org" not in _text(client.get(url))
    endorse(letter, "Late Org")
    assert "Late Org" in _text(client.get(url))


def test_a_draft_letter_has_no_public_pdf(client, make_letter):
    draft = make_letter(status=Letter.Status.DRAFT, published_at=None)
    assert client.get(reverse("letters:pdf", args=[draft.slug])).status_code == 404


def test_the_petition_pdf_names_only_signers_who_agreed(client, petition, sign):
    sign(petition, "shown@example.org", full_name="Shown Signer", show_name=True)
    sign(petition, "hidden@example.org", full_name="Hidden Signer", show_name=False)
    url = reverse("petitions:pdf", args=[petition.slug])
    text = _text(client.get(url))
    assert "Clean the Thames" in text
    assert "Ministry of Water" in text  # the target
    assert "2 signatures" in text
    # The petition does not allow names in its PDF yet.
    assert "Shown Signer" not in text

    petition.pdf_lists_names = True
    petition.save(update_fields=["pdf_lists_names"])
    text = _text(client.get(url))
    assert "Shown Signer" in text
    assert "Hidden Signer" not in text
    assert "@example.org" not in text


def test_the_petition_pdf_has_the_page_s_text_in_the_reader_s_language(client, petition):
    from clarion.petitions.models import PetitionTranslation

    PetitionTranslation.objects.create(
        petition=petition,
        language="es",
        title="Limpien el Támesis",
        goal="Pedimos al Ministerio del Agua que detenga los vertidos.",
        narrative="El río está **contaminado**.",
        demands="Financiar el plan.\nPublicar los datos.",
    )

    english = _text(client.get(f"/p/{petition.slug}.pdf"))
    spanish = _text(client.get(f"/es/p/{petition.slug}.pdf"))

    assert "Clean the Thames" in english and "Fund the plan." in english
    assert "Limpien el Támesis" in spanish
    assert "Financiar el plan." in spanish and "contaminado" in spanish
    assert "Fund the plan." not in spanish
