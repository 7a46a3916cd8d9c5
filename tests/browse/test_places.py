"""Country and region pages list the petitions, letters and stories of their countries."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from clarion.news.models import Story
from clarion.taxonomy.regions import DATA, all_regions, regions_of

pytestmark = pytest.mark.django_db


def _story(title: str, codes: list[str]) -> Story:
    now = timezone.now()
    return Story.objects.create(
        title=title, countries=codes, first_published_at=now, last_published_at=now
    )


def test_every_region_code_is_a_country_and_the_file_is_data():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert {r["slug"] for r in data["regions"]} >= {"latin-america", "north-america", "europe"}
    for region in all_regions():
        assert region.countries, region.slug
        assert all(code in countries for code in region.countries), region.slug
    assert {r.slug for r in regions_of("mx")} == {"latin-america", "north-america"}


def test_a_region_page_lists_its_petitions_letters_and_stories(client, make_petition, make_letter):
    make_petition(title="Petition in Mexico", countries=["MX"])
    make_petition(title="Petition in France", countries=["FR"])
    make_letter(title="Letter to Guatemala", countries=["GT"])
    make_letter(title="Letter to Spain", countries=["ES"])
    _story("Story from Bolivia", ["BO"])
    _story("Story from Japan", ["JP"])
    response = client.get(reverse("browse:region", args=["latin-america"]))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("Petition in Mexico", "Letter to Guatemala", "Story from Bolivia"):
        assert shown in html
    for hidden in ("Petition in France", "Letter to Spain", "Story from Japan"):
        assert hidden not in html
    assert client.get(reverse("browse:region", args=["atlantis"])).status_code == 404


def test_the_regions_page_is_browsable(client, db):
    html = client.get(reverse("browse:region_index")).content.decode()
    assert reverse("browse:region", args=["north-america"]) in html
    assert reverse("browse:country", args=["CA"]) in html
    assert reverse("browse:region_index") in client.get("/countries/").content.decode()


def test_a_country_page_lists_its_letters_and_stories(client, make_petition, make_letter):
    make_petition(title="Petition in Mexico", countries=["MX"])
    make_letter(title="Letter about Mexico", countries=["MX"])
    make_letter(title="Letter about Chile", countries=["CL"])
    _story("Story about Mexico", ["MX", "US"])
    html = client.get("/countries/MX/").content.decode()
    assert "Petition in Mexico" in html
    assert "Letter about Mexico" in html and "Letter about Chile" not in html
    assert "Story about Mexico" in html
    assert reverse("browse:region", args=["latin-america"]) in html
