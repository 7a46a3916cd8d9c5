"""Signed form tokens (clarion.core.formtoken): the same for every visitor for ten
minutes, bound to one form's scope, refused when stale or altered."""

from __future__ import annotations

import time

import pytest
from django.test import RequestFactory

from clarion.core import formtoken


def _at(monkeypatch, when: float) -> None:
    monkeypatch.setattr(formtoken, "now", lambda: when)


def test_one_token_for_every_visitor_within_a_window_and_a_new_one_after(monkeypatch):
    start = (time.time() // formtoken.WINDOW_SECONDS) * formtoken.WINDOW_SECONDS
    _at(monkeypatch, start + 1)
    first = formtoken.issue("petition:a")
    _at(monkeypatch, start + formtoken.WINDOW_SECONDS - 1)
    assert formtoken.issue("petition:a") == first
    _at(monkeypatch, start + formtoken.WINDOW_SECONDS)
    later = formtoken.issue("petition:a")
    assert later != first
    assert formtoken.valid(first, "petition:a") and formtoken.valid(later, "petition:a")


def test_a_token_is_for_its_own_form_only(monkeypatch):
    token = formtoken.issue("petition:a")
    assert not formtoken.valid(token, "petition:b")
    assert not formtoken.valid(token, "letter:a")
    assert not formtoken.valid(token[:-2] + "xx", "petition:a")
    assert not formtoken.valid("", "petition:a")
    assert not formtoken.valid("x" * 400, "petition:a")


def test_a_stale_token_is_refused(monkeypatch):
    hours = formtoken.MAX_AGE_HOURS
    _at(monkeypatch, time.time() - hours * 3600 - formtoken.WINDOW_SECONDS - 60)
    assert not formtoken.valid(formtoken.issue("petition:a"), "petition:a")
    _at(monkeypatch, time.time() - hours * 3600 + 60)
    assert formtoken.valid(formtoken.issue("petition:a"), "petition:a")


@pytest.mark.parametrize("exempt", [True, False])
def test_only_djangos_test_client_mark_skips_the_check(exempt):
    request = RequestFactory().post("/p/a/sign/", {"form_token": "nonsense"})
    if exempt:
        request._dont_enforce_csrf_checks = True
    assert formtoken.token_accepted(request, "petition:a") is exempt
