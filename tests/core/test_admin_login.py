"""Admin sign-in is rate-limited per address and per account."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _try(client, username: str, password: str = "wrong", ip: str = "192.0.2.10"):  # noqa: S107
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_guessing_a_password_is_stopped_with_429_and_retry_after(client, settings, moderator):
    settings.CLARION_ADMIN_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        assert _try(client, "moderator").status_code == 200  # the form again, with an error
    blocked = _try(client, "moderator", password="pw-moderator-1")
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60
    assert "Too many attempts" in blocked.content.decode()
    # Even the right password waits: the guesser must not learn it was right.
    assert "_auth_user_id" not in client.session


def test_an_account_is_protected_from_many_addresses(client, settings, moderator):
    settings.CLARION_ADMIN_LOGIN_ATTEMPTS = 3
    for n in range(3):
        _try(client, "moderator", ip=f"198.51.100.{n}")
    assert _try(client, "moderator", ip="198.51.100.99").status_code == 429


def test_a_normal_sign_in_still_works(client, settings, moderator):
    response = _try(client, "moderator", password="pw-moderator-1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)
