"""The support appeal: after signing and at the foot of letters, in the reader's
language, site-wide or overridden per petition or letter. A link out, nothing more."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from clarion.appeals.models import Appeal, AppealText

pytestmark = pytest.mark.django_db


def _appeal(name: str, *, site_wide: bool = False, **texts: str) -> Appeal:
    appeal = Appeal.objects.create(name=name, site_wide=site_wide)
    for language, text in texts.items():
        AppealText.objects.create(
            appeal=appeal,
            language=language,
            text=text,
            link_label=f"Give ({language})",
            url=f"https://give.example.org/{name}/{language}",
        )
    return appeal


@pytest.fixture
def site_wide(db) -> Appeal:
    return _appeal("site", site_wide=True, en="Keep us independent.", es="Mantennos libres.")


def test_the_thanks_page_after_signing_shows_the_appeal(client, petition, site_wide):
    response = client.post(
        f"/p/{petition.slug}/sign/",
        {"full_name": "Ana", "email": "ana@example.org", "country": "GB"},
        follow=True,
    )
    html = response.content.decode()
    assert "Check your email" in html
    assert "Keep us independent." in html
    assert 'href="https://give.example.org/site/en"' in html
    spanish = client.get(f"/es/p/{petition.slug}/thanks/").content.decode()
    assert "Mantennos libres." in spanish and "Keep us independent." not in spanish


def test_a_petition_may_have_its_own_appeal(client, petition, site_wide):
    petition.appeal = _appeal("river", en="Fund the river testing kits.")
    petition.save()
    html = client.get(f"/p/{petition.slug}/thanks/").content.decode()
    assert "Fund the river testing kits." in html
    assert "Keep us independent." not in html
    # Without a Spanish text of its own, Spanish readers get the site-wide one.
    assert "Mantennos libres." in client.get(f"/es/p/{petition.slug}/thanks/").content.decode()


def test_no_appeal_in_a_language_nobody_wrote_one_for(client, petition):
    _appeal("english-only", site_wide=True, en="Only in English.")
    assert "Only in English." not in client.get(f"/es/p/{petition.slug}/thanks/").content.decode()
    assert "support-appeal" not in client.get(f"/es/p/{petition.slug}/thanks/").content.decode()


def test_letters_show_it_at_their_foot_with_their_own_override(client, letter, site_wide):
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Keep us independent." in html
    assert html.index("Keep us independent.") > html.index("signatories")
    letter.appeal = _appeal("letter", en="Back the coalition work.")
    letter.save()
    assert "Back the coalition work." in client.get(letter.get_absolute_url()).content.decode()


def test_only_one_appeal_is_site_wide(site_wide):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(name="second", site_wide=True)


def test_an_appeal_links_only_to_web_addresses(site_wide):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealText.objects.filter(appeal=site_wide, language="en").update(url="javascript:x")


def test_the_demo_loads_one_in_both_languages(db):
    from clarion.appeals.demo import load_demo_appeal

    assert load_demo_appeal() == 1
    assert load_demo_appeal() == 0
    assert set(AppealText.objects.values_list("language", flat=True)) == {"en", "es"}
