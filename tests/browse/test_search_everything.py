"""The search page finds open letters and news stories beside the petitions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clarion.letters.models import Letter
from clarion.news.models import Story

pytestmark = pytest.mark.django_db


def _story(title: str) -> Story:
    now = timezone.now()
    return Story.objects.create(
        title=title, countries=["CR"], first_published_at=now, last_published_at=now
    )


def test_a_search_lists_the_letters_and_stories_that_match(client, make_petition, make_letter):
    make_petition(title="Protect the Sarapiquí wetlands", slug="wetlands")
    letter = make_letter(title="Letter on the wetlands of Costa Rica", slug="wetlands-letter")
    make_letter(title="Letter on rail fares", slug="rail-letter")
    make_letter(title="Draft on the wetlands", slug="draft-letter", status=Letter.Status.DRAFT)
    story = _story("Wetlands drained for a new port")
    _story("Rail fares rise again")

    html = client.get("/search/", {"q": "wetlands"}).content.decode()
    assert "Protect the Sarapiquí wetlands" in html
    assert "Open letters" in html and f'href="{letter.get_absolute_url()}"' in html
    assert "News stories" in html and f'href="{story.get_absolute_url()}"' in html
    # What does not match, and a draft letter, are not listed.
    assert "rail fares" not in html.lower() and "Draft on the wetlands" not in html


def test_every_word_must_match_and_a_letters_translation_counts(client, make_letter):
    make_letter(
        title="Letter on the river",
        slug="river-letter",
        translation={"language": "es", "title": "Carta sobre los humedales", "body": "Texto."},
    )
    _story("River wetlands shrink")
    found = client.get("/search/", {"q": "humedales"}).content.decode()
    assert "Letter on the river" in found
    both = client.get("/search/", {"q": "river wetlands"}).content.decode()
    assert "River wetlands shrink" in both and "Letter on the river" not in both


def test_in_spanish_the_sections_are_spanish(client, make_letter):
    make_letter(title="Letter on the wetlands", slug="wetlands-letter")
    _story("Wetlands drained")
    html = client.get("/es/search/", {"q": "wetlands"}).content.decode()
    assert "Cartas abiertas" in html and "Noticias" in html


def test_nothing_is_listed_without_a_query_or_past_the_first_page(client, make_letter):
    make_letter(title="Letter on the wetlands", slug="wetlands-letter")
    assert "Open letters" not in client.get("/search/").content.decode()
    later = client.get("/search/", {"q": "wetlands", "page": 2}).content.decode()
    assert "Letter on the wetlands" not in later


def test_letters_match_in_any_case_in_title_or_text_newest_first(make_letter):
    from datetime import date

    from clarion.letters.selectors import search_letters

    older = make_letter(title="On water", slug="older", date=date(2026, 1, 5))
    newer = make_letter(
        title="Second letter", slug="newer", body="The WATER board must act.", date=date(2026, 3, 1)
    )
    make_letter(title="On rail", slug="rail", body="Fares.", date=date(2026, 4, 1))
    assert [letter.pk for letter in search_letters("Water", 5)] == [newer.pk, older.pk]
    assert [letter.pk for letter in search_letters("water", 1)] == [newer.pk]
    # One word in the original, the other in a translation: both must be somewhere.
    make_letter(
        title="Letter on the river",
        slug="bilingual",
        date=date(2026, 2, 1),
        translation={"language": "es", "title": "Carta sobre los humedales", "body": "Texto."},
    )
    assert [letter.slug for letter in search_letters("river humedales", 5)] == ["bilingual"]
    # What a LIKE pattern would read as wildcards is matched as typed.
    make_letter(title="Rename the a_b fund", slug="underscore", date=date(2026, 2, 2))
    make_letter(title="Rename the axb fund", slug="letter-x", date=date(2026, 2, 3))
    assert [letter.slug for letter in search_letters("a_b", 5)] == ["underscore"]
