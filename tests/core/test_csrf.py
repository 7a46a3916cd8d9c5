"""CSRF tokens still work, and are still random, with clarion.core.csrf installed."""

from collections import Counter

from django.middleware import csrf as django_csrf

from clarion.core.csrf import new_csrf_string


def test_it_draws_secrets_of_django_s_length_and_alphabet():
    secrets = {new_csrf_string() for _ in range(200)}

    assert len(secrets) == 200
    for secret in secrets:
        assert len(secret) == django_csrf.CSRF_SECRET_LENGTH
        assert set(secret) <= set(django_csrf.CSRF_ALLOWED_CHARS)


def test_it_uses_every_character_about_equally_often():
    counts = Counter("".join(new_csrf_string() for _ in range(2000)))
    expected = 2000 * 32 / 62

    assert set(counts) == set(django_csrf.CSRF_ALLOWED_CHARS)
    assert all(0.75 * expected < n < 1.25 * expected for n in counts.values())


def test_it_is_what_django_s_middleware_draws_with():
    assert django_csrf._get_new_csrf_string is new_csrf_string


def test_it_leaves_django_alone_when_the_private_function_is_gone(monkeypatch, caplog):
    from clarion.core import csrf

    monkeypatch.delattr(django_csrf, "_get_new_csrf_string")
    assert csrf.install() is False
    assert not hasattr(django_csrf, "_get_new_csrf_string")
    assert "using Django's own drawing" in caplog.text


def test_it_leaves_django_alone_when_the_tokens_change_shape(monkeypatch):
    from clarion.core import csrf

    original = django_csrf._get_new_csrf_string
    monkeypatch.setattr(django_csrf, "_get_new_csrf_string", lambda: "x" * 64)
    monkeypatch.setattr(django_csrf, "CSRF_SECRET_LENGTH", 64)
    assert csrf.install() is False
    assert django_csrf._get_new_csrf_string() == "x" * 64
    monkeypatch.setattr(django_csrf, "_get_new_csrf_string", original)
