from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from clarion.petitions.models import Petition
from clarion.taxonomy.models import Category

pytestmark = pytest.mark.django_db


def test_home_lists_newest_trending_and_updated_with_progress(client, make_petition, sign):
    old = make_petition(title="Old bus route", published_at=timezone.now() - timedelta(days=9))
    edited = make_petition(
        title="Edited park plan",
        published_at=timezone.now() - timedelta(days=20),
        updated_at=timezone.now() - timedelta(hours=1),
    )
    new = make_petition(title="New library hours")
    sign(old, "a@example.org")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert [p.pk for p in response.context["trending"]] == [old.pk]
    # The trending petition is not shown again among the newest.
    assert [p.pk for p in response.context["newest"]] == [new.pk, edited.pk]
    assert "Most signed in the last 24 hours" in body
    assert "<progress" in body and 'max="100"' in body
    assert "Last updated" in body


def test_home_never_shows_one_petition_in_two_sections(client, make_petition, sign):
    # A young site: every petition is new, recently edited, and some are signed today.
    petitions = [make_petition(title=f"Petition {n}") for n in range(14)]
    for n, petition in enumerate(petitions[:3]):
        sign(petition, f"signer{n}@example.org")
    response = client.get("/")
    sections = [response.context[name] for name in ("trending", "newest", "updated")]
    shown = [p.pk for section in sections for p in section]
    assert len(shown) == len(set(shown)) == 14
    assert [len(section) for section in sections] == [3, 6, 5]
    body = response.content.decode()
    assert "Recently updated" in body
    for petition in petitions:
        assert body.count(f'href="{petition.get_absolute_url()}"') == 1, petition.title


def test_home_hides_drafts(client, make_petition):
    make_petition(title="Secret draft", status=Petition.Status.DRAFT, published_at=None)
    assert "Secret draft" not in client.get("/").content.decode()


def test_home_works_with_nothing_in_it(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No petitions yet." in response.content.decode()


def test_home_shortens_long_goals_between_words(client, make_petition):
    goal = "We call on the council " + "to plant shade trees along every school street " * 8
    make_petition(goal=goal.strip() + ".")
    body = client.get("/").content.decode()
    shown = body.split('class="card-goal">')[1].split("</p>")[0]
    assert shown.endswith("…")
    words = set(goal.split())
    assert all(word in words for word in shown.rstrip("…").split())


def test_petition_page_has_the_sections_a_reader_expects(client, make_petition, category):
    petition = make_petition(
        title="Cool the classrooms",
        categories=[category],
        related_headline="Heatwave closes 40 schools",
        related_outlet="The Riverside Courier",
        related_url="https://riversidecourier.example/heat",
        related_published_at=datetime(2026, 11, 14, 12, 42, tzinfo=zoneinfo.ZoneInfo("UTC")),
        related_time_zone="America/New_York",
    )
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    for expected in (
        "<h1>Cool the classrooms</h1>",
        "Related article:",
        "Heatwave closes 40 schools",
        "The Riverside Courier",
        "Saturday, 14 November 2026, 07:42 EST",
        "Target:",
        "Ministry of Water",
        "Goal:",
        "<strong>polluted</strong>",
        "Key demands",
        "Fund the plan.",
        "Sign this petition",
        'name="full_name"',
        "of 100 goal",
        "Latest signatures",
        "Copy link",
        "mailto:?subject=",
        'href="/categories/climate/"',
        'href="/countries/GB/"',
    ):
        assert expected in body, expected
    assert (
        body.index("Fund the plan.")
        < body.index("Publish the data.")
        < body.index("Report yearly.")
    )


def test_petition_page_renders_markdown_safely(client, make_petition):
    petition = make_petition(
        narrative="Hello <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=y>"
    )
    body = client.get(petition.get_absolute_url()).content.decode()
    narrative = body.split('class="narrative"')[1].split("</section>")[0]
    assert "<script" not in narrative
    assert "javascript:" not in narrative
    assert "onerror" not in narrative


def test_petition_page_shows_names_only_with_consent(client, petition, sign):
    sign(petition, "a@example.org", full_name="Visible Person", show_name=True, comment="Yes!")
    sign(petition, "b@example.org", full_name="Hidden Person", show_name=False, comment="Secret")
    sign(petition, "c@example.org", full_name="Unconfirmed Person", show_name=True, confirm=False)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "Visible Person" in body and "Yes!" in body
    assert "Hidden Person" not in body and "Secret" not in body
    assert "Unconfirmed Person" not in body
    assert "A supporter" in body
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        assert email not in body


def test_drafts_are_404_to_the_public_and_visible_to_staff(
    client, make_petition, moderator, outsider
):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "only staff can see this page" in response.content.decode()


def test_the_staff_preview_of_a_draft_never_calls_it_closed(client, make_petition, moderator):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    client.force_login(moderator)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert "takes signatures once it is published" in body
    assert "closed" not in body.lower()
    spanish = client.get(f"/es{draft.get_absolute_url()}").content.decode()
    assert "cerrad" not in spanish.lower()


def test_unknown_petition_is_a_friendly_404(client, db):
    response = client.get("/p/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_categories_list_and_pages(client, make_petition, category):
    other = Category.objects.get(slug="housing")
    make_petition(title="Cooler streets", categories=[category])
    make_petition(title="Fair rents", categories=[other])
    index = client.get("/categories/")
    assert index.status_code == 200
    assert "Climate" in index.content.decode() and "1 petition" in index.content.decode()
    page = client.get("/categories/climate/").content.decode()
    assert "Cooler streets" in page and "Fair rents" not in page
    assert client.get("/categories/nope/").status_code == 404


def test_country_pages(client, make_petition):
    make_petition(title="Mexico water", countries=["MX"])
    make_petition(title="France trains", countries=["FR", "BE"])
    index = client.get("/countries/").content.decode()
    assert "Mexico" in index and "France" in index and "Belgium" in index
    mx = client.get("/countries/mx/")
    assert mx.status_code == 200
    assert "Mexico water" in mx.content.decode() and "France trains" not in mx.content.decode()
    assert "France trains" in client.get("/countries/BE/").content.decode()
    assert client.get("/countries/ZZ/").status_code == 404


def test_category_pages_paginate(client, make_petition, category):
    for n in range(15):
        make_petition(title=f"Petition {n}", categories=[category])
    first = client.get("/categories/climate/")
    assert len(first.context["page"].object_list) == 12
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/categories/climate/?page=2")
    assert len(second.context["page"].object_list) == 3
    assert client.get("/categories/climate/?page=abc").status_code == 200


def test_about_and_privacy_say_what_is_stored(client, db):
    about = client.get("/about/").content.decode()
    assert "Confirm my signature" in about
    privacy = client.get("/privacy/").content.decode()
    for item in ("Email address", "Full name", "hash of your IP address", "Country and postcode"):
        assert item in privacy


def test_pages_have_landmarks_and_a_skip_link(client, petition):
    body = client.get(petition.get_absolute_url()).content.decode()
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    assert "<header" in body and "<footer" in body and "<nav" in body
    assert '<html lang="en">' in body
    assert 'name="viewport"' in body
    # Every visible form control has a label.
    for field in ("full_name", "email", "country", "postcode", "comment", "show_name"):
        assert f'for="id_{field}"' in body


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_an_empty_search_offers_what_the_home_page_found_trending(client, make_petition, sign):
    hot = make_petition(title="Hot one")
    sign(hot, "a@example.org")
    make_petition(title="Newer but unsigned")
    # Before the home page has worked it out, an empty answer offers the newest.
    found = client.get("/search/", {"q": "zzzqqq"}).context["browse_petitions"]
    assert found[0].title == "Newer but unsigned"
    client.get("/")
    found = client.get("/search/", {"q": "zzzqqq"}).context["browse_petitions"]
    assert [p.pk for p in found] == [hot.pk]
