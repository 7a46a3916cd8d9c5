"""The cached petition page: shared by anonymous visitors, never behind on the count."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import issued_token

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def _count(response) -> int:
    body = response.content.decode()
    return int(re.search(r'class="count"><strong>([\d,]+)</strong>', body)[1].replace(",", ""))


def test_each_visitor_gets_a_working_token_of_their_own(petition):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(petition.get_absolute_url())
    page_two = second.get(petition.get_absolute_url())
    assert _token(page_one) != _token(page_two)
    sign_url = f"{petition.get_absolute_url()}sign/"
    for n, (client, page) in enumerate(((first, page_one), (second, page_two))):
        data = {"full_name": "Ana", "email": f"v{n}@example.org", "country": "GB"}
        response = client.post(sign_url, {**data, "csrfmiddlewaretoken": _token(page)})
        assert response.status_code == 302


def test_a_repeat_view_is_one_query(client, petition, django_assert_num_queries):
    client.get(petition.get_absolute_url())
    with django_assert_num_queries(1):
        response = client.get(petition.get_absolute_url())
    assert "Clean the Thames" in response.content.decode()


def test_the_count_is_never_behind(client, petition, sign):
    assert _count(client.get(petition.get_absolute_url())) == 0
    sign(petition, "a@example.org")
    page = client.get(petition.get_absolute_url())
    assert _count(page) == 1
    assert "A supporter" in page.content.decode()


def test_a_visitor_with_a_flash_message_gets_a_fresh_page(client, petition, sign):
    client.get(petition.get_absolute_url())
    signature = sign(petition, "b@example.org", confirm=False)
    response = client.post(f"/confirm/{issued_token(signature)}/", follow=True)
    assert "Your signature is confirmed" in response.content.decode()


def test_a_moderator_sees_an_uncached_page(client, petition, moderator):
    client.get(petition.get_absolute_url())
    client.force_login(moderator)
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert response.context is not None and response.context["petition"] == petition


def test_caching_can_be_turned_off(client, petition, settings):
    settings.CLARION_PAGE_CACHE_SECONDS = 0
    client.get(petition.get_absolute_url())
    response = client.get(petition.get_absolute_url())
    assert response.context is not None
