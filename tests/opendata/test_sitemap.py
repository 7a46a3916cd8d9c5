"""sitemap.xml (an index of sections) and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from clarion.opendata.sitemaps import SITEMAPS
from clarion.petitions.models import Petition
from tests.news.factories import ingest, item

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locs(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    return [loc.text for loc in root.iter(f"{SM}loc")]


def test_it_lists_every_public_page_on_the_public_address(
    client, settings, make_petition, category
):
    settings.CLARION_BASE_URL = "https://petitions.example.org"
    public = make_petition(categories=[category], countries=["MX"])
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    ingest(item("Harbour dredging halted after silt report", "Portsmouth halted dredging."))
    sections = _locs(client, "/sitemap.xml")
    assert len(sections) == len(SITEMAPS)
    urls: list[str] = []
    for section in sections:
        urls += _locs(client, section.removeprefix("http://testserver"))
    base = "https://petitions.example.org"
    assert f"{base}/p/{public.slug}/" in urls
    assert f"{base}/p/{draft.slug}/" not in urls
    assert f"{base}/categories/climate/" in urls
    assert f"{base}/countries/MX/" in urls
    assert f"{base}/" in urls
    assert any(u.startswith(f"{base}/news/stories/") for u in urls)
    assert any(u.startswith(f"{base}/news/articles/") for u in urls)
    assert all(u.startswith(base) for u in urls)


def test_robots_txt_points_at_the_sitemap_and_keeps_private_pages_out(client, settings):
    settings.CLARION_BASE_URL = "https://petitions.example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://petitions.example.org/sitemap.xml" in lines
    for private in ("/admin/", "/my-data/", "/confirm/", "/api/v1/docs", "/p/*/embed/"):
        assert f"Disallow: {private}" in lines
    # The widget exists in every language, like the pages it duplicates.
    assert "Disallow: /es/p/*/embed/" in lines
    assert "Disallow: /" not in lines


XHTML = "{http://www.w3.org/1999/xhtml}"


def _urls(client, section: str) -> dict[str, dict[str, str]]:
    """Each <url>'s loc and its hreflang alternates."""
    root = ET.fromstring(client.get(section).content)  # noqa: S314 - our own answer
    return {
        url.find(f"{SM}loc").text: {
            link.get("hreflang"): link.get("href")
            for link in url.findall(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        for url in root.iter(f"{SM}url")
    }


def test_every_language_is_listed_with_its_alternates(
    client, settings, make_petition, make_letter, category
):
    settings.CLARION_BASE_URL = "https://petitions.example.org"
    base = "https://petitions.example.org"
    petition = make_petition(categories=[category])
    letter = make_letter()
    ingest(item("Harbour dredging halted after silt report", "Portsmouth halted dredging."))
    urls: dict[str, dict[str, str]] = {}
    for section in _locs(client, "/sitemap.xml"):
        urls.update(_urls(client, section.removeprefix("http://testserver")))
    for path in (
        f"/p/{petition.slug}/",
        f"/letters/{letter.slug}/",
        "/categories/climate/",
        "/",
        "/letters/",
        "/regions/",
        "/regions/europe/",
    ):
        english, spanish = f"{base}{path}", f"{base}/es{path}"
        assert english in urls and spanish in urls, path
        expected = {"en": english, "es": spanish, "x-default": english}
        assert urls[english] == expected, path
        assert urls[spanish] == expected, path
    # Every listed address has alternates for every language.
    assert all(set(links) == {"en", "es", "x-default"} for links in urls.values())
