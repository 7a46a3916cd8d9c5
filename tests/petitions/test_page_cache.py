"""The petition page any cache can serve: the same bytes for every anonymous visitor,
never behind on the count, and right for the signer who has just confirmed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clarion.core import recent
from tests.conftest import issued_token

pytestmark = pytest.mark.django_db


def _form_token(response) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', response.content.decode())[1]


def _count(response) -> int:
    body = response.content.decode()
    found = re.search(r'class="count"><strong>([\d,]+)</strong>', body)
    return int(found[1].replace(",", ""))


def _data(n: int) -> dict[str, str]:
    return {"full_name": "Ana", "email": f"v{n}@example.org", "country": "GB"}


def test_an_anonymous_visit_carries_no_per_visitor_state(petition):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(petition.get_absolute_url())
    page_two = second.get(petition.get_absolute_url())
    assert page_one.status_code == page_two.status_code == 200
    # No cookie, nothing that differs per visitor, nothing that tells caches to vary.
    assert not page_one.cookies and not page_two.cookies
    assert page_one.content == page_two.content
    assert "csrfmiddlewaretoken" not in page_one.content.decode()
    assert "Cookie" not in page_one.get("Vary", "")
    cache_control = page_one["Cache-Control"]
    # Shared caches keep it a minute; browsers revalidate (a 304 when unchanged).
    assert "public" in cache_control and "s-maxage=60" in cache_control
    assert "max-age=0" in cache_control
    assert "stale-while-revalidate=600" in cache_control
    assert page_one["ETag"] == page_two["ETag"]


def test_the_shared_form_token_lets_every_visitor_sign(petition):
    token = _form_token(Client().get(petition.get_absolute_url()))
    sign_url = f"{petition.get_absolute_url()}sign/"
    for n in range(2):
        # A fresh browser each time, which never saw a cookie from this site.
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(sign_url, {**_data(n), "form_token": token})
        assert response.status_code == 302, response.content.decode()[:500]


def test_a_post_without_this_petitions_token_is_refused(petition, make_petition):
    other = make_petition(title="Another", slug="another")
    foreign = _form_token(Client().get(other.get_absolute_url()))
    sign_url = f"{petition.get_absolute_url()}sign/"
    strict = Client(enforce_csrf_checks=True)
    for data in (_data(1), {**_data(2), "form_token": foreign}, {**_data(3), "form_token": "x"}):
        response = strict.post(sign_url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "This form was open too long" in body
        # What was typed is kept, with a fresh token to send it again.
        assert 'value="Ana"' in body and _form_token(response)
    assert not petition.signatures.exists()


def test_a_revalidation_of_an_unchanged_page_costs_a_304(client, petition, sign):
    first = client.get(petition.get_absolute_url())
    again = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    sign(petition, "a@example.org")
    changed = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and _count(changed) == 1


def test_the_count_endpoint_is_small_and_cacheable(client, petition, sign):
    sign(petition, "a@example.org")
    petition.refresh_from_db()
    response = client.get(f"{petition.get_absolute_url()}count.json")
    assert response.status_code == 200
    percent = petition.progress_percent
    assert response.json() == {
        "count": 1,
        "goal": petition.signature_goal,
        "count_text": "1",
        "label": "signature",
        "percent": percent,
        "progress_label": f"{percent}% of the goal",
    }
    assert "max-age=5" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies
    spanish = client.get(f"/es{petition.get_absolute_url()}count.json").json()
    assert spanish["label"] == "firma" and "% de la meta" in spanish["progress_label"]
    assert client.get("/p/no-such-petition/count.json").status_code == 404


def test_the_page_points_its_script_at_the_count(client, petition):
    body = client.get(petition.get_absolute_url()).content.decode()
    assert f'data-count-url="{petition.get_absolute_url()}count.json"' in body
    assert 'data-count="0"' in body


def test_a_repeat_view_within_a_second_asks_nothing(
    client, petition, django_assert_num_queries, monkeypatch, settings
):
    settings.CLARION_PAGE_LOCAL_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(recent, "clock", lambda: now[0])
    client.get(petition.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(petition.get_absolute_url())
    assert "Clean the Thames" in response.content.decode()
    # Past the second: one indexed lookup finds the shared cache's copy still current.
    now[0] += 1.5
    with django_assert_num_queries(1):
        client.get(petition.get_absolute_url())


def test_the_count_is_at_most_a_second_behind(client, petition, sign, monkeypatch, settings):
    settings.CLARION_PAGE_LOCAL_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(recent, "clock", lambda: now[0])
    assert _count(client.get(petition.get_absolute_url())) == 0
    sign(petition, "a@example.org")
    now[0] += 0.5
    assert _count(client.get(petition.get_absolute_url())) == 0  # this process's copy
    now[0] += 0.6
    page = client.get(petition.get_absolute_url())
    assert _count(page) == 1
    assert "A supporter" in page.content.decode()


def test_without_the_local_copy_the_count_is_never_behind(client, petition, sign, settings):
    settings.CLARION_PAGE_LOCAL_SECONDS = 0
    assert _count(client.get(petition.get_absolute_url())) == 0
    sign(petition, "a@example.org")
    assert _count(client.get(petition.get_absolute_url())) == 1


def test_the_signer_lands_on_a_page_that_counts_them(client, petition, sign):
    sign(petition, "a@example.org")
    assert _count(client.get(petition.get_absolute_url())) == 1
    signature = sign(petition, "b@example.org", confirm=False)
    response = client.post(f"/confirm/{issued_token(signature)}/")
    # An address no cache has seen, rendered for this signer, not shared.
    assert response["Location"].endswith("?confirmed=1#count")
    landing = client.get(response["Location"])
    assert "Your signature is confirmed" in landing.content.decode()
    # The worker has not folded the confirmation into the stored count yet...
    petition.refresh_from_db()
    assert petition.signature_count == 1
    # ...but the signer sees it counted, on a page no shared cache may keep.
    assert _count(landing) == 2
    assert "private" in landing["Cache-Control"] and "public" not in landing["Cache-Control"]


def _chart_total(response) -> int:
    found = re.search(r"([\d,]+) signatures? from ", response.content.decode())
    return int(found[1].replace(",", ""))


def test_the_charts_agree_with_the_count_for_the_signer_and_after(client, petition, sign):
    sign(petition, "a@example.org")
    signature = sign(petition, "b@example.org", confirm=False)
    landing = client.get(client.post(f"/confirm/{issued_token(signature)}/")["Location"])
    # The signer's page counts them before the worker's fold, and so do its charts.
    assert _count(landing) == _chart_total(landing) == 2
    # Once folded, every visitor's page shows 2 too, charts included: what the signer's
    # page worked out was not kept for others under the wrong figures.
    from clarion.petitions.counts import fold_counts

    fold_counts()
    public = Client().get(petition.get_absolute_url())
    assert _count(public) == _chart_total(public) == 2


def test_a_large_petitions_charts_never_run_ahead_of_its_public_count(
    client, petition, sign, monkeypatch
):
    from clarion.petitions import selectors

    # Past this size the figures are kept a few minutes under one key, not per count.
    monkeypatch.setattr(selectors, "STATS_EXACT_BELOW", 1)
    sign(petition, "a@example.org")
    signature = sign(petition, "b@example.org", confirm=False)
    landing = client.get(client.post(f"/confirm/{issued_token(signature)}/")["Location"])
    assert _count(landing) == 2
    # Before the fold every visitor sees 1, and the charts the signer's page left behind
    # must not say 2 beside it.
    public = Client().get(petition.get_absolute_url())
    assert _count(public) == 1
    assert _chart_total(public) <= 1


def test_a_moderator_sees_an_uncached_private_page(client, petition, moderator):
    client.get(petition.get_absolute_url())
    client.force_login(moderator)
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert response.context is not None and response.context["petition"] == petition
    assert "private" in response["Cache-Control"]


def test_caching_can_be_turned_off(client, petition, settings):
    settings.CLARION_PAGE_CACHE_SECONDS = 0
    client.get(petition.get_absolute_url())
    response = client.get(petition.get_absolute_url())
    assert response.context is not None


def test_signing_reads_the_petition_once_a_second_and_its_deadline_always(
    client, petition, monkeypatch, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from clarion.petitions.models import Petition, Signature
    from clarion.petitions.selectors import petition_to_sign

    settings.CLARION_PAGE_LOCAL_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(recent, "clock", lambda: now[0])
    first = petition_to_sign(petition.slug)
    assert petition_to_sign(petition.slug) is first  # the process's copy, no query
    # A deadline that passes while the copy is kept stops signing at once.
    closes = timezone.now() + timedelta(seconds=30)
    Petition.objects.filter(pk=petition.pk).update(closes_at=closes)
    now[0] += 1.5
    kept = petition_to_sign(petition.slug)
    assert kept is not first and kept.can_be_signed
    page = client.get(petition.get_absolute_url())
    monkeypatch.setattr(timezone, "now", lambda: closes + timedelta(seconds=1))
    response = client.post(
        f"{petition.get_absolute_url()}sign/", {**_data(1), "form_token": _form_token(page)}
    )
    assert response.status_code == 409
    assert not Signature.objects.exists()
    assert petition_to_sign("no-such-petition") is None
