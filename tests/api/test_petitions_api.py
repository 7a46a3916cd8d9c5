"""The read-only JSON API under /api/v1/petitions, through the test client."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clarion.petitions.models import Demand, Petition, PetitionTranslation
from clarion.taxonomy.models import Category, Target

pytestmark = pytest.mark.django_db

LIST = "/api/v1/petitions"
UTC = zoneinfo.ZoneInfo("UTC")


def _detail(slug: str) -> str:
    return f"{LIST}/{slug}"


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def _query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


def _days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


# --- which petitions are listed ----------------------------------------------------


def test_it_lists_published_and_closed_but_never_drafts(client, make_petition):
    published = make_petition(published_at=_days_ago(3))
    closed = make_petition(status=Petition.Status.CLOSED, published_at=_days_ago(2))
    make_petition(title="Secret plan", status=Petition.Status.DRAFT, published_at=None)
    response = client.get(LIST)
    assert response["Content-Type"].startswith("application/json")
    assert _slugs(response) == [closed.slug, published.slug]
    assert response.json()["count"] == 2
    assert "Secret plan" not in response.content.decode()


def test_it_keeps_drafts_out_of_every_anonymous_filter(client, make_petition, category):
    make_petition(
        title="Drought draft",
        status=Petition.Status.DRAFT,
        published_at=None,
        categories=[category],
        countries=["MX"],
    )
    for params in ({"q": "drought"}, {"category": "climate"}, {"country": "MX"}):
        data = client.get(LIST, params).json()
        assert (data["count"], data["results"]) == (0, []), params


def test_it_refuses_drafts_to_anonymous_users_and_non_staff(client, make_petition, outsider):
    make_petition(status=Petition.Status.DRAFT, published_at=None)
    response = client.get(LIST, {"status": "draft"})
    assert response.status_code == 403
    assert "staff" in response.json()["detail"]
    client.force_login(outsider)
    assert client.get(LIST, {"status": "draft"}).status_code == 403


def test_it_lets_staff_list_drafts(client, make_petition, moderator):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    make_petition()
    client.force_login(moderator)
    assert _slugs(client.get(LIST, {"status": "draft"})) == [draft.slug]
    # Without asking for drafts, staff see the same public list as everyone else.
    assert draft.slug not in _slugs(client.get(LIST))


def test_it_filters_closed_petitions(client, make_petition):
    make_petition()
    closed = make_petition(status=Petition.Status.CLOSED)
    assert _slugs(client.get(LIST, {"status": "closed"})) == [closed.slug]


def test_it_filters_published_petitions(client, make_petition):
    published = make_petition()
    make_petition(status=Petition.Status.CLOSED)
    assert _slugs(client.get(LIST, {"status": "published"})) == [published.slug]


def test_it_filters_by_category(client, make_petition, category):
    housing = Category.objects.get(slug="housing")
    climate = make_petition(categories=[category])
    both = make_petition(categories=[category, housing], published_at=_days_ago(5))
    make_petition(categories=[housing])
    make_petition()
    assert _slugs(client.get(LIST, {"category": "climate"})) == [climate.slug, both.slug]
    # One petition in two matching categories is still listed once.
    assert client.get(LIST, {"category": "climate"}).json()["count"] == 2
    assert _slugs(client.get(LIST, {"category": "no-such-category"})) == []


def test_it_filters_by_country_in_any_case(client, make_petition):
    france = make_petition(countries=["FR"])
    france_germany = make_petition(countries=["DE", "FR"], published_at=_days_ago(5))
    make_petition(countries=["GB"])
    assert _slugs(client.get(LIST, {"country": "FR"})) == [france.slug, france_germany.slug]
    assert _slugs(client.get(LIST, {"country": "fr"})) == [france.slug, france_germany.slug]
    assert _slugs(client.get(LIST, {"country": "DE"})) == [france_germany.slug]


@pytest.mark.parametrize("country", ["MEX", "M", "", "12", "F1", "E,"])
def test_it_refuses_a_country_that_is_not_two_letters(client, make_petition, country):
    # "E," would otherwise match the stored text "DE,FR" as a substring.
    make_petition(countries=["FR", "DE"])
    response = client.get(LIST, {"country": country})
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert issue["loc"] == ["query", "country"]
    assert "pattern" in issue["msg"]


def test_it_combines_category_country_and_status(client, make_petition, category):
    wanted = make_petition(categories=[category], countries=["MX"], status="closed")
    make_petition(categories=[category], countries=["MX"])
    make_petition(categories=[category], countries=["GB"], status="closed")
    make_petition(countries=["MX"], status="closed")
    params = {"category": "climate", "country": "MX", "status": "closed"}
    assert _slugs(client.get(LIST, params)) == [wanted.slug]


# --- pagination --------------------------------------------------------------------


def test_it_paginates_with_count_pages_and_absolute_links(client, make_petition, settings):
    settings.CLARION_BASE_URL = "https://petitions.example"
    made = [make_petition(published_at=_days_ago(n)) for n in range(1, 6)]
    first = client.get(LIST, {"per_page": 2}).json()
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert [p["slug"] for p in first["results"]] == [made[0].slug, made[1].slug]
    assert first["previous"] is None
    assert first["next"].startswith("https://petitions.example/api/v1/petitions?")
    assert _query(first["next"]) == {"page": ["2"], "per_page": ["2"]}

    second = client.get(first["next"].removeprefix("https://petitions.example")).json()
    assert second["page"] == 2
    assert [p["slug"] for p in second["results"]] == [made[2].slug, made[3].slug]
    assert _query(second["previous"]) == {"page": ["1"], "per_page": ["2"]}
    assert _query(second["next"]) == {"page": ["3"], "per_page": ["2"]}

    last = client.get(LIST, {"per_page": 2, "page": 3}).json()
    assert [p["slug"] for p in last["results"]] == [made[4].slug]
    assert last["next"] is None
    assert last["previous"].startswith("https://petitions.example/api/v1/petitions?")


def test_it_keeps_the_filters_in_page_links(client, make_petition, category):
    for _ in range(3):
        make_petition(categories=[category], countries=["MX"])
    data = client.get(LIST, {"category": "climate", "country": "MX", "per_page": 1}).json()
    assert _query(data["next"]) == {
        "category": ["climate"],
        "country": ["MX"],
        "page": ["2"],
        "per_page": ["1"],
    }


def test_it_answers_an_empty_list_with_one_page(client, db):
    data = client.get(LIST).json()
    assert data == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_it_uses_twenty_per_page_by_default(client, make_petition):
    for _ in range(21):
        make_petition()
    data = client.get(LIST).json()
    assert (len(data["results"]), data["pages"], data["count"]) == (20, 2, 21)


@pytest.mark.parametrize("per_page", [1, 100])
def test_it_accepts_per_page_at_its_bounds(client, petition, per_page):
    assert client.get(LIST, {"per_page": per_page}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"per_page": 0}, {"per_page": 101}, {"per_page": -5}, {"page": 0}, {"page": -1}],
)
def test_it_refuses_page_sizes_out_of_bounds_with_a_clear_message(client, db, params):
    response = client.get(LIST, params)
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert issue["loc"] == ["query", *params]
    assert "greater than" in issue["msg"] or "less than" in issue["msg"]


# --- search ------------------------------------------------------------------------


def test_it_ranks_a_title_match_above_a_body_only_match(client, make_petition):
    # The body-only match is newer, so date order alone would put it first.
    body_only = make_petition(
        title="Open the public pools",
        narrative="The drought is here. The drought will last. Drought everywhere.",
        published_at=_days_ago(1),
    )
    in_title = make_petition(title="Drought relief now", published_at=_days_ago(30))
    make_petition(title="Unrelated bus fares")
    data = client.get(LIST, {"q": "drought"}).json()
    assert [p["slug"] for p in data["results"]] == [in_title.slug, body_only.slug]
    assert data["count"] == 2


def test_it_searches_within_the_other_filters(client, make_petition, category):
    housing = Category.objects.get(slug="housing")
    climate_mx = make_petition(title="Drought in Sonora", categories=[category], countries=["MX"])
    climate_gb = make_petition(title="Drought in Kent", categories=[category], countries=["GB"])
    housing_mx = make_petition(title="Drought housing", categories=[housing], countries=["MX"])
    closed_mx = make_petition(title="Drought closed", countries=["MX"], status="closed")
    make_petition(title="Flood defences", categories=[category], countries=["MX"])

    by_category = client.get(LIST, {"q": "drought", "category": "climate"}).json()
    assert {p["slug"] for p in by_category["results"]} == {climate_mx.slug, climate_gb.slug}
    assert by_category["count"] == 2
    by_country = client.get(LIST, {"q": "drought", "country": "mx"}).json()
    assert {p["slug"] for p in by_country["results"]} == {
        climate_mx.slug,
        housing_mx.slug,
        closed_mx.slug,
    }
    by_all = client.get(LIST, {"q": "drought", "category": "climate", "country": "MX"})
    assert _slugs(by_all) == [climate_mx.slug]
    assert _slugs(client.get(LIST, {"q": "drought", "status": "closed"})) == [closed_mx.slug]


def test_it_paginates_search_results(client, make_petition):
    for n in range(3):
        make_petition(title=f"Drought plan {n}")
    first = client.get(LIST, {"q": "drought", "per_page": 2}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert _query(first["next"]) == {"page": ["2"], "per_page": ["2"], "q": ["drought"]}
    second = client.get(LIST, {"q": "drought", "per_page": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    seen = {p["slug"] for p in first["results"] + second["results"]}
    assert len(seen) == 3


def test_it_treats_a_blank_query_as_no_query(client, make_petition):
    a = make_petition(published_at=_days_ago(1))
    b = make_petition(published_at=_days_ago(2))
    assert _slugs(client.get(LIST, {"q": "   "})) == [a.slug, b.slug]


# --- one petition ------------------------------------------------------------------


def test_it_describes_a_petition(client, make_petition, category, settings):
    settings.CLARION_BASE_URL = "https://petitions.example"
    health = Category.objects.get(slug="health")
    targets = [
        Target.objects.create(name="Mayor of Springfield", kind="person", country="US"),
        Target.objects.create(name="City Council", kind="body", country="US"),
        Target.objects.create(name="United Nations", kind="body"),
        Target.objects.create(
            name="Office of Water", name_es="Oficina del Agua", kind="office", country="MX"
        ),
    ]
    # One category with a Spanish name only, one with none (the defaults have both).
    Category.objects.filter(slug="health").update(name_es="Salud", description_es="")
    Category.objects.filter(slug="climate").update(name_es="", description_es="")
    petition = make_petition(
        title="Cool the city",
        slug="cool-the-city",
        goal="Plant trees on every street.",
        categories=[health, category],
        countries=["US", "MX"],
        targets=targets,
        signature_goal=2500,
        language="es",
    )
    data = client.get(_detail("cool-the-city")).json()
    assert data["slug"] == "cool-the-city"
    assert data["url"] == "https://petitions.example/p/cool-the-city/"
    assert data["title"] == "Cool the city"
    assert data["goal"] == "Plant trees on every street."
    assert data["language"] == "es"
    assert data["status"] == "published"
    assert data["signature_goal"] == 2500
    assert data["signature_count"] == 0
    # The API answers in English; each name's other versions come with it.
    assert data["targets"] == [
        {"name": "City Council", "kind": "body", "country": "US", "translations": []},
        {"name": "Mayor of Springfield", "kind": "person", "country": "US", "translations": []},
        {
            "name": "Office of Water",
            "kind": "office",
            "country": "MX",
            "translations": [{"language": "es", "name": "Oficina del Agua"}],
        },
        {"name": "United Nations", "kind": "body", "country": None, "translations": []},
    ]
    assert data["categories"] == [
        {"slug": "climate", "name": "Climate", "translations": []},
        {
            "slug": "health",
            "name": "Health",
            "translations": [{"language": "es", "name": "Salud", "description": None}],
        },
    ]
    assert sorted(data["countries"]) == ["MX", "US"]
    assert data["published_at"] is not None
    assert data["closed_at"] is None
    assert petition.narrative == data["narrative"]


def test_it_gives_the_same_item_in_the_list_and_the_detail(client, petition, sign):
    sign(petition, "ana@example.org")
    listed = client.get(LIST).json()["results"]
    assert listed == [client.get(_detail(petition.slug)).json()]


def test_it_lists_demands_in_their_order(client, make_petition):
    petition = make_petition(demands=[])
    # Created out of order: the position, not the insertion order, decides.
    for position, text in [(3, "Third."), (1, "First."), (2, "Second.")]:
        Demand.objects.create(petition=petition, position=position, text=text)
    expected = ["First.", "Second.", "Third."]
    assert client.get(_detail(petition.slug)).json()["demands"] == expected
    assert client.get(LIST).json()["results"][0]["demands"] == expected


def test_it_counts_confirmed_signatures_only(client, petition, sign):
    sign(petition, "one@example.org")
    sign(petition, "two@example.org")
    sign(petition, "pending@example.org", confirm=False)
    assert client.get(_detail(petition.slug)).json()["signature_count"] == 2
    assert client.get(LIST).json()["results"][0]["signature_count"] == 2


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [
        (datetime(2025, 11, 17, 15, 30, tzinfo=UTC), "2025-11-17T10:30:00-05:00"),
        (datetime(2025, 7, 4, 15, 30, tzinfo=UTC), "2025-07-04T11:30:00-04:00"),
    ],
)
def test_it_gives_the_article_time_in_its_own_zone(client, make_petition, utc_time, expected):
    petition = make_petition(
        related_headline="Heat wave grips the city",
        related_outlet="The Daily Ledger",
        related_url="https://ledger.example/heat",
        related_published_at=utc_time,
        related_time_zone="America/New_York",
    )
    article = client.get(_detail(petition.slug)).json()["related_article"]
    assert article == {
        "headline": "Heat wave grips the city",
        "outlet": "The Daily Ledger",
        "url": "https://ledger.example/heat",
        "published_at": expected,
        "time_zone": "America/New_York",
    }
    # Same instant, just told in the article's zone.
    assert datetime.fromisoformat(article["published_at"]) == utc_time


def test_it_gives_an_article_without_a_zone_in_utc(client, make_petition):
    petition = make_petition(
        related_headline="Rivers run dry",
        related_url="https://ledger.example/rivers",
        related_published_at=datetime(2025, 11, 17, 15, 30, tzinfo=UTC),
    )
    article = client.get(_detail(petition.slug)).json()["related_article"]
    assert article["time_zone"] is None
    published = datetime.fromisoformat(article["published_at"])
    assert published.utcoffset() == timedelta(0)
    assert published == datetime(2025, 11, 17, 15, 30, tzinfo=UTC)


def test_it_gives_null_when_there_is_no_related_article(client, petition):
    assert client.get(_detail(petition.slug)).json()["related_article"] is None


def test_it_answers_an_unknown_slug_with_a_json_404(client, db):
    response = client.get(_detail("no-such-petition"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "no-such-petition" in response.json()["detail"]


def test_it_hides_a_draft_from_anonymous_users(client, make_petition, outsider, moderator):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    response = client.get(_detail(draft.slug))
    assert response.status_code == 404
    assert response.json()["detail"]
    client.force_login(outsider)
    assert client.get(_detail(draft.slug)).status_code == 404
    client.force_login(moderator)
    assert client.get(_detail(draft.slug)).json()["status"] == "draft"


def test_it_shows_a_closed_petition(client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED, closed_at=_days_ago(1))
    data = client.get(_detail(closed.slug)).json()
    assert data["status"] == "closed"
    assert data["closed_at"] is not None


# --- read-only, private, cheap -----------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_refuses_to_write(client, petition, method):
    send = getattr(client, method)
    for url in (LIST, _detail(petition.slug)):
        assert send(url, data={}, content_type="application/json").status_code == 405, url
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_it_never_shows_a_signers_email(client, make_petition, moderator, sign):
    petition = make_petition(title="Water for the valley", slug="water-for-the-valley")
    draft = make_petition(title="Water draft", status=Petition.Status.DRAFT, published_at=None)
    emails = [
        "quillon.marrowby@signers.example",
        "Zephyrine.Oddlot+water@mail.example",
    ]
    sign(petition, emails[0], full_name="Quillon Marrowby", comment="Please act.")
    sign(petition, emails[1], confirm=False)
    forbidden = [*emails, "quillon.marrowby", "zephyrine.oddlot", "signers.example", "@mail."]

    urls = [
        LIST,
        f"{LIST}?q=water",
        f"{LIST}?q=quillon",
        f"{LIST}?country=GB",
        _detail(petition.slug),
    ]
    for url in urls:
        body = client.get(url).content.decode().lower()
        for text in forbidden:
            assert text.lower() not in body, (url, text)
    client.force_login(moderator)
    for url in (f"{LIST}?status=draft", _detail(draft.slug), _detail(petition.slug)):
        body = client.get(url).content.decode().lower()
        for text in forbidden:
            assert text.lower() not in body, (url, text)


def test_it_does_not_search_signers_emails(client, petition, sign):
    sign(petition, "quillon.marrowby@signers.example")
    assert client.get(LIST, {"q": "quillon"}).json()["count"] == 0


def _queries_for(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "river"}, {"category": "climate", "country": "GB"}, {"status": "closed"}],
)
def test_it_lists_in_a_fixed_number_of_queries(client, make_petition, category, params):
    def add(n: int) -> None:
        for i in range(n):
            status = Petition.Status.CLOSED if i % 2 else Petition.Status.PUBLISHED
            make_petition(categories=[category], status=status)

    add(3)
    # A first search builds what the next reuse (on PostgreSQL, the local copy of the
    # search index: clarion.petitions.replica); the counts compare the next ones.
    _queries_for(client, LIST, params)
    few = _queries_for(client, LIST, params)
    add(9)
    many = _queries_for(client, LIST, params)
    assert many == few
    assert many <= 10  # the rate-limit hit, the page, its count and the prefetches


def test_it_fetches_one_petition_in_a_fixed_number_of_queries(
    client, petition, django_assert_max_num_queries
):
    # The rate-limit hit, the petition, and one prefetch per related list.
    with django_assert_max_num_queries(10):
        assert client.get(_detail(petition.slug)).status_code == 200


def test_it_gives_every_version_of_a_petition(client, petition, settings):
    PetitionTranslation.objects.create(
        petition=petition,
        language="es",
        title="Limpien el Támesis",
        goal="Pedimos que se detengan las descargas.",
        demands="Financiar el plan.\nPublicar los datos.",
    )
    data = client.get(f"/api/v1/petitions/{petition.slug}").json()
    assert data["title"] == "Clean the Thames"
    assert data["language"] == "en"
    assert data["translations"] == [
        {
            "language": "es",
            "url": f"{settings.CLARION_BASE_URL}/es/p/clean-the-thames/",
            "title": "Limpien el Támesis",
            "goal": "Pedimos que se detengan las descargas.",
            "narrative": "",
            "demands": ["Financiar el plan.", "Publicar los datos."],
        }
    ]
    listed = client.get("/api/v1/petitions").json()["results"][0]
    assert listed["translations"][0]["title"] == "Limpien el Támesis"
