"""/favicon.ico: browsers ask for it on every first visit, whatever the page says."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_site_has_a_favicon_at_the_address_browsers_ask(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    body = b"".join(response) if response.streaming else response.content
    # An ICO file's header: reserved 0, type 1 (icon), then how many images it holds.
    assert body[:4] == b"\x00\x00\x01\x00"
    assert body[4] >= 2
    assert "max-age=86400" in response["Cache-Control"]


def test_only_reading_the_favicon_is_allowed(client):
    assert client.post("/favicon.ico").status_code == 405
