"""The microcache: a public page served again for a second, before any middleware runs,
and only to the visitors any shared cache would serve it to."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from clarion.core import recent
from clarion.core.http import share_with_caches
from clarion.core.microcache import MAX_BYTES, MicroCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, settings):
    settings.CLARION_PAGE_LOCAL_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(recent, "clock", lambda: now[0])
    return now


def _app(make_response):
    """A MicroCache over a view that counts its calls and answers ``make_response``."""
    calls: list[object] = []

    def view(request):
        calls.append(request)
        return make_response(request, len(calls))

    return MicroCache(view), calls


def _public(request, n: int) -> HttpResponse:
    return share_with_caches(request, HttpResponse(f"answer {n}"))


rf = RequestFactory()


# --- through the whole site -------------------------------------------------------------


def test_a_public_page_is_served_again_within_the_second_exactly_as_first_served(
    client, petition, clock, django_assert_num_queries
):
    first = client.get(petition.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(petition.get_absolute_url())
    assert again.status_code == 200 and again.content == first.content
    assert dict(again.headers) == dict(first.headers)
    # Each language is its own page.
    spanish = client.get(f"/es{petition.get_absolute_url()}")
    assert spanish.content != first.content and 'lang="es"' in spanish.content.decode()


def test_the_home_page_too_and_past_the_second_the_site_answers_again(
    client, petition, clock, django_assert_num_queries
):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
    clock[0] += 1.5
    response = client.get("/")
    assert response.status_code == 200 and response.context is not None  # rendered


def test_a_head_request_and_a_revalidation_are_answered_from_it(
    client, petition, clock, django_assert_num_queries
):
    page = client.get(petition.get_absolute_url())
    with django_assert_num_queries(0):
        head = client.head(petition.get_absolute_url())
        unchanged = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=page["ETag"])
        changed = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH='"other"')
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == page["Content-Length"] == str(len(page.content))
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == page["ETag"]
    assert changed.status_code == 200 and changed.content == page.content


def test_a_signed_in_moderator_never_gets_the_kept_page(client, petition, moderator, clock):
    client.get(petition.get_absolute_url())
    client.force_login(moderator)
    response = client.get(petition.get_absolute_url())
    assert response.context is not None and response.context["petition"] == petition
    assert "private" in response["Cache-Control"]


def test_a_personal_page_is_never_kept(client, petition, clock):
    url = f"{petition.get_absolute_url()}thanks/"
    first = client.get(url)
    assert "private" in first["Cache-Control"] or "no-cache" in first["Cache-Control"]
    second = client.get(url)
    assert second.context is not None  # rendered again


def test_off_when_the_setting_is_zero(client, petition, settings):
    settings.CLARION_PAGE_LOCAL_SECONDS = 0
    client.get("/")
    assert client.get("/").context is not None


# --- what is kept, and for whom ------------------------------------------------------------


def test_only_a_public_200_that_sets_no_cookie_is_kept(clock):
    def private(request, n):
        return HttpResponse(f"answer {n}", headers={"Cache-Control": "private"})

    def cookie(request, n):
        response = _public(request, n)
        response.set_cookie("x", "y")
        return response

    def not_found(request, n):
        return HttpResponse(f"answer {n}", status=404, headers={"Cache-Control": "public"})

    def streamed(request, n):
        return StreamingHttpResponse([b"a"], headers={"Cache-Control": "public"})

    def huge(request, n):
        response = HttpResponse(b"x" * (MAX_BYTES + 1))
        response["Cache-Control"] = "public, max-age=60"
        return response

    def public_no_store(request, n):
        return HttpResponse(f"answer {n}", headers={"Cache-Control": "public, no-store"})

    for answer in (private, cookie, not_found, streamed, huge, public_no_store):
        app, calls = _app(answer)
        app(rf.get("/page/"))
        app(rf.get("/page/"))
        assert len(calls) == 2, answer.__name__
    app, calls = _app(_public)
    assert app(rf.get("/page/")).content == app(rf.get("/page/")).content == b"answer 1"
    assert len(calls) == 1


def test_requests_with_a_session_messages_or_credentials_go_to_the_site(clock, settings):
    app, calls = _app(_public)
    app(rf.get("/page/"))
    for personal in (
        rf.get("/page/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc"),
        rf.get("/page/", HTTP_COOKIE="messages=abc"),
        rf.get("/page/", HTTP_AUTHORIZATION="Bearer key"),
    ):
        app(personal)
    assert len(calls) == 4
    # Another cookie (a stray one from elsewhere) still gets the shared page, as it would
    # get the same page from the site.
    app(rf.get("/page/", HTTP_COOKIE="theme=dark"))
    assert len(calls) == 4


def test_a_head_request_gets_the_kept_headers_without_the_body(clock):
    # (The test client drops HEAD bodies itself, so this looks at the middleware's answer.)
    def with_length(request, n):
        response = _public(request, n)
        response["Content-Length"] = str(len(response.content))
        return response

    app, calls = _app(with_length)
    page = app(rf.get("/page/"))
    head = app(rf.head("/page/"))
    assert len(calls) == 1
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == page["Content-Length"] == "8"
    assert head["ETag"] == page["ETag"]


def test_a_post_is_never_answered_from_it_and_a_head_never_fills_it(clock):
    app, calls = _app(_public)
    app(rf.head("/page/"))
    app(rf.get("/page/"))
    app(rf.post("/page/"))
    assert len(calls) == 3


def test_the_key_is_scheme_host_path_and_query(clock, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example", "testserver"]
    app, calls = _app(lambda request, n: _public(request, n))
    seen = [
        app(rf.get("/page/", HTTP_HOST="a.example")).content,
        app(rf.get("/page/", HTTP_HOST="b.example")).content,
        app(rf.get("/page/", HTTP_HOST="a.example", secure=True)).content,
        app(rf.get("/page/?page=2", HTTP_HOST="a.example")).content,
        app(rf.get("/other/", HTTP_HOST="a.example")).content,
    ]
    assert len(set(seen)) == 5 and len(calls) == 5
    assert app(rf.get("/page/?page=2", HTTP_HOST="a.example")).content == seen[3]


def test_an_answer_that_varies_is_kept_for_the_same_header_values_only(clock):
    def varies(request, n):
        response = _public(request, n)
        response["Vary"] = "Accept-Encoding"
        return response

    app, calls = _app(varies)
    plain = app(rf.get("/page/")).content
    assert app(rf.get("/page/")).content == plain
    assert app(rf.get("/page/", HTTP_ACCEPT_ENCODING="gzip")).content != plain
    assert len(calls) == 2

    def anything(request, n):
        response = _public(request, n)
        response["Vary"] = "*"
        return response

    app, calls = _app(anything)
    app(rf.get("/page/"))
    app(rf.get("/page/"))
    assert len(calls) == 2


def test_the_kept_page_is_the_one_the_site_makes_without_it(petition, settings):
    # The same page, headers included, with and without the microcache.
    settings.CLARION_PAGE_LOCAL_SECONDS = 0
    off = Client().get(petition.get_absolute_url())
    settings.CLARION_PAGE_LOCAL_SECONDS = 1
    Client().get(petition.get_absolute_url())
    on = Client().get(petition.get_absolute_url())
    assert on.content == off.content and dict(on.headers) == dict(off.headers)


def test_the_kept_pages_stay_within_their_byte_budget():
    kept = recent.Recent(size=10, max_bytes=100)
    kept.put("a", "first", nbytes=40)
    kept.put("b", "second", nbytes=40)
    assert kept.get("a", 60) == "first" and kept.get("b", 60) == "second"
    kept.put("c", "third", nbytes=40)  # 120 > 100: the older pages go
    assert kept.get("a", 60) is None and kept.get("b", 60) is None
    assert kept.get("c", 60) == "third"
    for n in range(10):
        kept.put(n, n)  # weightless entries: bounded by their number
    assert kept.get("c", 60) is None and kept.get(9, 60) == 9
