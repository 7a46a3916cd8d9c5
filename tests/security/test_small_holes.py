"""The smaller holes (issue 14, outcome 9)."""

from __future__ import annotations

import base64
import binascii
import contextlib

import pytest

from clarion.core.models import OutboxMessage
from clarion.privacy.services import my_data_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["http://[::1/p/x/", "http://[oops]/p/x/", "https://a:b:c/p/x/"])
def test_oembed_answers_400_to_an_address_that_is_not_one(client, url):
    response = client.get("/oembed", {"url": url})
    assert response.status_code in (400, 404)
    assert response.status_code != 500
    assert response.json()["detail"]


def test_oembed_answers_400_to_a_broken_ipv6_address(client):
    assert client.get("/oembed", {"url": "http://[::1/p/x/"}).status_code == 400


def test_osdi_description_is_sanitised_html_from_the_narrative(client, make_petition):
    petition = make_petition(
        narrative="The **river** rose.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    found = client.get(f"/api/osdi/v1/petitions/{petition.pk}").json()
    description = found["description"]
    assert "<strong>river</strong>" in description
    assert "<script" not in description and "onerror" not in description
    assert "**" not in description


def test_my_data_pages_are_never_stored_and_their_token_says_nothing(client, petition, sign):
    sign(petition, "ana@example.org")
    token = my_data_token("ana@example.org")
    for path in (f"/my-data/{token}/", f"/my-data/{token}/export.json"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
    # Whatever way the token is read, it does not carry the address.
    readings = [token]
    for part in token.split(":"):
        padded = part + "=" * (-len(part) % 4)
        with contextlib.suppress(binascii.Error, ValueError):
            readings.append(base64.urlsafe_b64decode(padded).decode("latin-1"))
    assert not any("ana" in reading.lower() for reading in readings)


def test_the_emailed_my_data_link_opens_the_data(client, petition, sign):
    sign(petition, "ana@example.org")
    client.post("/my-data/", {"email": "ana@example.org"})
    mail = OutboxMessage.objects.filter(key__startswith="my-data:").get()
    link = next(word for word in mail.body.split() if "/my-data/" in word)
    assert "ana" not in link
    page = client.get(link[link.index("/my-data/") :])
    assert "Clean the Thames" in page.content.decode()


PRIVATE = [
    "/confirm/some-token/",
    "/es/confirm/some-token/",
    "/letters/confirm/org/some-token/",
    "/es/letters/confirm/person/some-token/",
    "/my-data/",
    "/es/my-data/",
    "/es/my-data/sent/",
    "/es/my-data/some-token/",
]


@pytest.mark.parametrize("path", PRIVATE)
def test_private_pages_say_noindex_in_every_language(client, path):
    response = client.get(path)
    assert "noindex" in response["X-Robots-Tag"]


def test_sign_and_thanks_pages_say_noindex(client, petition, letter):
    assert "noindex" in client.get(f"/p/{petition.slug}/thanks/")["X-Robots-Tag"]
    assert "noindex" in client.get(f"/es/p/{petition.slug}/thanks/")["X-Robots-Tag"]
    signed = client.post(f"/es/p/{petition.slug}/sign/", {"full_name": ""})
    assert "noindex" in signed["X-Robots-Tag"]
    assert "noindex" in client.get(f"/es/letters/{letter.slug}/endorse/")["X-Robots-Tag"]
    assert "noindex" in client.get(f"/letters/{letter.slug}/thanks/")["X-Robots-Tag"]


def test_robots_txt_covers_the_private_pages_in_every_language(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for path in ("/confirm/", "/my-data/", "/p/*/sign/", "/p/*/thanks/", "/letters/confirm/"):
        assert f"Disallow: {path}" in lines
        assert f"Disallow: /es{path}" in lines
