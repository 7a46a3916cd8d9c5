"""Limits an IPv6 client cannot dodge (issue 14, outcome 8): every per-address key
counts an IPv6 client as its /64, which it can roam freely."""

from __future__ import annotations

import itertools

import pytest

from clarion.core.http import hash_ip, ip_source
from clarion.letters.models import IndividualSignature
from clarion.petitions import abuse
from clarion.petitions.models import RateRule, Signature

pytestmark = pytest.mark.django_db

# Two addresses of one /64, as a client picks new ones (privacy extensions) at will.
NEIGHBOURS = [f"2001:db8:1:2::{n:x}" for n in range(1, 40)]
OTHER_NETWORK = "2001:db8:1:3::1"
_emails = (f"s{n}@example.org" for n in itertools.count())


def test_one_64_is_one_source_and_ipv4_inside_ipv6_is_ipv4():
    assert ip_source("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert hash_ip(NEIGHBOURS[0]) == hash_ip(NEIGHBOURS[1]) != hash_ip(OTHER_NETWORK)
    assert ip_source("::ffff:203.0.113.9") == "203.0.113.9"
    assert hash_ip("203.0.113.9") != hash_ip("203.0.113.10")


def test_the_api_throttle_counts_the_64(client, settings):
    settings.CLARION_API_RATE_LIMIT = 3
    answers = [
        client.get("/api/v1/categories", REMOTE_ADDR=address).status_code
        for address in NEIGHBOURS[:4]
    ]
    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/categories", REMOTE_ADDR=OTHER_NETWORK).status_code == 200


def test_api_signing_counts_the_64(client, petition, settings):
    settings.CLARION_SIGN_API_PER_HOUR = 2
    codes = [
        client.post(
            f"/api/v1/petitions/{petition.slug}/signatures",
            {"full_name": "Ana", "email": next(_emails), "country": "GB"},
            content_type="application/json",
            REMOTE_ADDR=address,
        ).status_code
        for address in NEIGHBOURS[:3]
    ]
    assert codes == [202, 202, 429]


def test_the_site_form_counts_the_64(client, make_petition, settings):
    settings.CLARION_SIGN_FORM_PER_HOUR = 2
    for address in NEIGHBOURS[:3]:
        petition = make_petition()
        client.post(
            f"/p/{petition.slug}/sign/",
            {"full_name": "Ana", "email": next(_emails), "country": "GB"},
            REMOTE_ADDR=address,
        )
    assert list(Signature.objects.order_by("id").values_list("held", flat=True)) == [
        False,
        False,
        True,
    ]


def test_abuse_rules_count_the_64(client, petition):
    RateRule.objects.all().delete()
    RateRule.objects.create(name="tight", scope=RateRule.Scope.IP_PETITION, burst_limit=2)
    abuse.rules_changed()
    for address in NEIGHBOURS[:3]:
        client.post(
            f"/p/{petition.slug}/sign/",
            {"full_name": "Ana", "email": next(_emails), "country": "GB"},
            REMOTE_ADDR=address,
        )
    assert Signature.objects.filter(held=True).count() == 1


def test_letter_sign_ons_count_the_64(client, letter, settings):
    settings.CLARION_LETTER_SIGNONS_PER_HOUR = 2
    codes = [
        client.post(
            f"/letters/{letter.slug}/sign/",
            {"full_name": "Ana", "email": next(_emails), "country": "MX"},
            REMOTE_ADDR=address,
        ).status_code
        for address in NEIGHBOURS[:3]
    ]
    assert codes == [302, 302, 429]
    assert IndividualSignature.objects.count() == 2


def test_admin_sign_in_counts_the_64(client, settings):
    settings.CLARION_ADMIN_LOGIN_ATTEMPTS = 2
    codes = [
        client.post(
            "/admin/login/", {"username": f"u{n}", "password": "wrong"}, REMOTE_ADDR=address
        ).status_code
        for n, address in enumerate(NEIGHBOURS[:3])
    ]
    assert codes[-1] == 429 and 429 not in codes[:-1]
