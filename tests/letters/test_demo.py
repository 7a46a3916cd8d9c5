"""`clarion demo` brings a bilingual letter with signatories."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from clarion.letters import selectors
from clarion.letters.demo import load_demo_letters
from clarion.letters.models import Letter

pytestmark = pytest.mark.django_db


def test_the_demo_letter_is_bilingual_and_signed(client, category):
    assert load_demo_letters() == 1
    assert load_demo_letters() == 0  # a second load adds nothing
    letter = Letter.objects.get()
    assert letter.takes_signatures
    assert {t.language for t in selectors.texts(letter)} == {"en", "es"}
    organisations = selectors.approved_organisations(letter)
    assert len(organisations) >= 4
    assert any(o.acronym and o.name_other_language for o in organisations)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert organisations[0].name in html
    with translation.override("es"):
        assert "Estimada Secretaria" in client.get(letter.get_absolute_url()).content.decode()


def test_clarion_demo_loads_the_letters(db):
    call_command("demo", verbosity=0)
    assert Letter.objects.filter(status=Letter.Status.OPEN).exists()
