"""Atom feeds of new petitions (all, per category, per country) and of news stories."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from clarion.petitions.models import Petition
from tests.news.factories import ingest, item

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.CLARION_BASE_URL = "https://petitions.example.org"


def _feed(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == f"{ATOM}feed"
    # What Atom requires of a feed and of each entry: id, title, updated, an author.
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Clarion"
    assert root.find(f"{ATOM}link[@rel='self']").get("href").startswith("https://petitions.")
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text, required
    return root


def _titles(root: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def test_it_lists_published_petitions_newest_first(client, make_petition):
    now = timezone.now()
    make_petition(title="Older", published_at=now - timedelta(days=3))
    make_petition(title="Newer", published_at=now - timedelta(days=1))
    make_petition(title="A draft", status=Petition.Status.DRAFT, published_at=None)
    root = _feed(client, "/feeds/petitions.atom")
    assert _titles(root) == ["Newer", "Older"]
    entry = root.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("https://petitions.example.org/p/protect-river-")
    assert entry.find(f"{ATOM}id").text == link


def test_it_has_a_feed_per_category_and_per_country(client, make_petition, category):
    make_petition(title="Climate in Mexico", categories=[category], countries=["MX"])
    make_petition(title="Elsewhere", countries=["GB", "FR"])
    assert _titles(_feed(client, "/feeds/categories/climate.atom")) == ["Climate in Mexico"]
    assert _titles(_feed(client, "/feeds/countries/mx.atom")) == ["Climate in Mexico"]
    assert _titles(_feed(client, "/feeds/countries/FR.atom")) == ["Elsewhere"]
    assert client.get("/feeds/categories/nothing.atom").status_code == 404
    assert client.get("/feeds/countries/XX.atom").status_code == 404
    assert client.get("/feeds/nothing.atom").status_code == 404


def test_it_lists_news_stories(client):
    ingest(
        item(
            "Harbour dredging halted after silt report",
            "The harbour board in Portsmouth halted dredging after a silt report.",
        )
    )
    root = _feed(client, "/feeds/stories.atom")
    assert _titles(root) == ["Harbour dredging halted after silt report"]


def test_pages_point_feed_readers_at_their_feeds(client, make_petition, category):
    make_petition(categories=[category], countries=["MX"])
    expected = {
        "/": "/feeds/petitions.atom",
        "/categories/climate/": "/feeds/categories/climate.atom",
        "/countries/MX/": "/feeds/countries/MX.atom",
        "/news/": "/feeds/stories.atom",
    }
    for page, feed in expected.items():
        html = client.get(page).content.decode()
        assert 'type="application/atom+xml" title="' in html
        assert f'href="{feed}"' in html, page


# --- clients that poll ------------------------------------------------------------------

FEED_PATHS = (
    "/feeds/petitions.atom",
    "/feeds/letters.atom",
    "/feeds/stories.atom",
    "/feeds/categories/climate.atom",
    "/feeds/countries/GB.atom",
    "/es/feeds/petitions.atom",
    "/es/feeds/categories/climate.atom",
)


def test_an_unchanged_feed_answers_304_to_its_etag_and_its_date(
    client, make_petition, make_letter, category
):
    make_petition(title="Polled", categories=[category])
    make_letter()
    ingest(item("Harbour dredging halted after silt report", "Portsmouth halted dredging."))
    for path in FEED_PATHS:
        first = client.get(path)
        assert first.status_code == 200, path
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT"), path
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b"" and again["ETag"] == etag
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        head = client.head(path, headers={"If-None-Match": etag})
        assert head.status_code == 304, path
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_new_entry_changes_the_etag_and_the_date(client, make_petition):
    now = timezone.now()
    make_petition(title="First", published_at=now - timedelta(days=2))
    first = client.get("/feeds/petitions.atom")
    make_petition(title="Second", published_at=now - timedelta(hours=1))
    again = client.get(
        "/feeds/petitions.atom",
        headers={"If-None-Match": first["ETag"], "If-Modified-Since": first["Last-Modified"]},
    )
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert _titles(ET.fromstring(again.content)) == ["Second", "First"]  # noqa: S314


def test_each_language_has_its_own_feeds(client, make_petition, category):
    petition = make_petition(title="Clean the Thames", categories=[category])
    petition.translations.create(
        language="es",
        title="Limpien el Támesis",
        goal="Pedimos al Ministerio del Agua que detenga los vertidos.",
        narrative="El río está contaminado.",
        demands="Financiar el plan.",
    )
    english = _feed(client, "/feeds/petitions.atom")
    spanish = _feed(client, "/es/feeds/petitions.atom")
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert spanish.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert _titles(english) == ["Clean the Thames"]
    assert _titles(spanish) == ["Limpien el Támesis"]
    assert "nuevas peticiones" in spanish.find(f"{ATOM}title").text
    self_link = spanish.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "https://petitions.example.org/es/feeds/petitions.atom"
    entry = spanish.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").startswith("https://petitions.example.org/es/p/")
    assert entry.find(f"{ATOM}summary").text.startswith("Pedimos al Ministerio")
    for path in ("/es/feeds/letters.atom", "/es/feeds/stories.atom", "/es/feeds/countries/gb.atom"):
        assert _feed(client, path).get("{http://www.w3.org/XML/1998/namespace}lang") == "es"


def test_an_entry_in_another_language_says_so(client, make_petition):
    make_petition(title="Only in English")
    entry = _feed(client, "/es/feeds/petitions.atom").find(f"{ATOM}entry")
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_each_languages_pages_point_at_that_languages_feeds(client, make_petition, category):
    make_petition(categories=[category], countries=["MX"])
    expected = {
        "/es/": "/es/feeds/petitions.atom",
        "/es/categories/climate/": "/es/feeds/categories/climate.atom",
        "/es/countries/MX/": "/es/feeds/countries/MX.atom",
        "/es/news/": "/es/feeds/stories.atom",
        "/es/letters/": "/es/feeds/letters.atom",
    }
    for page, feed in expected.items():
        html = client.get(page).content.decode()
        assert 'type="application/atom+xml" title="' in html
        assert f'href="{feed}"' in html, page


def test_story_and_letter_entries_have_a_real_summary(client, make_letter):
    make_letter(
        salutation="Dear Minister,",
        body="We, the undersigned, ask you to **publish the water data** now.\n\n> - quoted",
    )
    ingest(
        item(
            "Harbour dredging halted after silt report",
            "The harbour board in Portsmouth halted dredging after a silt report.",
        )
    )
    letter = _feed(client, "/feeds/letters.atom").find(f"{ATOM}entry")
    summary = letter.find(f"{ATOM}summary").text
    assert summary.startswith("We, the undersigned, ask you to publish the water data now.")
    assert "**" not in summary and summary != "Dear Minister,"
    story = _feed(client, "/feeds/stories.atom").find(f"{ATOM}entry")
    summary = story.find(f"{ATOM}summary").text
    assert "Portsmouth halted dredging after a silt report" in summary
    assert "1 outlet" in summary
