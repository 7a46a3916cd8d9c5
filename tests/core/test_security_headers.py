"""Headers every answer carries: a strict Content-Security-Policy, no framing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/p/clean-the-thames/", "/news/", "/api/v1/petitions"])
def test_public_answers_allow_no_inline_script_or_style_and_no_framing(client, petition, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/docs"])
def test_the_admin_and_api_docs_may_style_inline_but_never_script(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
