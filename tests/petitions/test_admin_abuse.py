"""Moderators tune the abuse rules and review what they hold, in the admin."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from clarion.confirmations.services import confirm as confirm_link
from clarion.core.http import hash_ip
from clarion.petitions.counts import fold_counts, recount_all
from clarion.petitions.models import AbuseListEntry, Petition, RateRule, Review, Signature
from clarion.petitions.services import SignatureInput, signature_create
from tests.conftest import issued_token

pytestmark = pytest.mark.django_db

SIGNATURES = "/admin/petitions/signature/"
RULES = "/admin/petitions/raterule/"
ENTRIES = "/admin/petitions/abuselistentry/"


@pytest.fixture
def reviewer(db):
    """Staff who may look at signatures but not change them."""
    user = get_user_model().objects.create_user("reviewer", "reviewer@example.org", "pw-rev-1")
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="petitions", codename="view_signature")
    )
    return user


def _sign(petition: Petition, email: str, ip: str) -> Signature:
    data = SignatureInput(full_name="Sam Example", email=email, country="GB")
    signature = signature_create(petition=petition, data=data, ip=ip)
    confirm_link("signature", issued_token(signature))
    return signature


def _count(petition: Petition) -> int:
    fold_counts()
    petition.refresh_from_db(fields=["signature_count"])
    return petition.signature_count


def _act(client, action: str, filters: str) -> object:
    """Run an action on every signature the filtered list holds, as "select all N"
    does: the page's boxes are ticked and select_across widens it to the whole list."""
    page = list(Signature.objects.values_list("pk", flat=True)[:1])
    return client.post(
        f"{SIGNATURES}?{filters}",
        {"action": action, "select_across": "1", "index": "0", "_selected_action": page},
        follow=True,
    )


@pytest.fixture
def flood(petition):
    """Six confirmed signatures from one address over a burst limit of two: four held."""
    RateRule.objects.create(name="tight", scope="ip_petition", burst_limit=2, burst_seconds=3600)
    from clarion.petitions import abuse

    abuse.rules_changed()
    for n in range(6):
        _sign(petition, f"flood{n}@example.org", ip="203.0.113.5")
    _sign(petition, "other@example.org", ip="192.0.2.1")
    return petition


def test_a_moderator_sees_what_is_held_and_why(client, moderator, flood):
    client.force_login(moderator)

    page = client.get(SIGNATURES, {"review": "suspect"}).content.decode()

    assert page.count("Over a rate limit") >= 4
    assert "flood5@example.org" in page and "other@example.org" not in page
    held = Signature.objects.filter(held=True).first()
    detail = client.get(f"{SIGNATURES}{held.pk}/change/").content.decode()
    assert "tight: burst, 2 per 3600 s" in detail


def test_the_held_list_is_five_narrow_columns_with_the_reason_second(client, moderator, flood):
    client.force_login(moderator)
    response = client.get(SIGNATURES, {"review": "suspect"})
    columns = [getattr(c, "__name__", c) for c in response.context["cl"].list_display]
    assert columns == [
        "action_checkbox",
        "signer",
        "review_status",
        "petition_title",
        "signed",
        "ip_link",
    ]
    page = response.content.decode()
    # The reason sits in the review cell, under the review, on every held row.
    cells = page.split('<td class="field-review_status">')[1:]
    assert len(cells) == 4
    assert all(
        "Held for review<br><strong" in cell and "Over a rate limit" in cell for cell in cells
    )
    # The site's navigation sidebar gives this list its room.
    assert 'id="nav-sidebar"' not in page
    assert "petitions/admin-signatures.css" in page


def test_a_moderator_releases_held_signatures_by_ip_and_they_count(client, moderator, flood):
    assert _count(flood) == 3
    client.force_login(moderator)

    response = _act(client, "release", f"review=suspect&ip={hash_ip('203.0.113.5')}")

    assert "Released 4 signatures" in response.content.decode()
    assert _count(flood) == 7
    assert recount_all() == 0


def test_a_moderator_invalidates_by_email_domain_and_the_count_drops(client, moderator, petition):
    for n in range(3):
        _sign(petition, f"bot{n}@spam.example", ip=f"198.51.100.{n + 1}")
    _sign(petition, "real@example.org", ip="192.0.2.1")
    assert _count(petition) == 4
    client.force_login(moderator)

    response = _act(client, "invalidate", "domain=spam.example")

    assert "Invalidated 3 signatures" in response.content.decode()
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert _count(petition) == 1
    assert recount_all() == 0
    assert set(Signature.objects.filter(held=True).values_list("review", flat=True)) == {
        Review.INVALID
    }


def test_a_moderator_invalidates_by_petition_and_time_range(
    client, moderator, petition, make_petition
):
    other = make_petition()
    early = _sign(petition, "early@example.org", ip="192.0.2.1")
    late = [_sign(petition, f"late{n}@example.org", ip="192.0.2.2") for n in range(2)]
    _sign(other, "late@example.org", ip="192.0.2.2")
    hour_ago = timezone.now() - timedelta(hours=1)
    Signature.objects.filter(pk=early.pk).update(created_at=hour_ago)
    client.force_login(moderator)

    start = (hour_ago + timedelta(minutes=30)).isoformat()
    _act(
        client,
        "invalidate",
        urlencode({"petition__id__exact": petition.pk, "created_at__gte": start}),
    )

    assert set(Signature.objects.filter(held=True).values_list("pk", flat=True)) == {
        s.pk for s in late
    }
    assert (_count(petition), _count(other)) == (1, 1)


def test_staff_who_may_only_view_signatures_can_not_release_them(client, reviewer, flood):
    client.force_login(reviewer)

    assert client.get(SIGNATURES, {"review": "suspect"}).status_code == 200
    _act(client, "release", "review=suspect")

    assert Signature.objects.filter(held=True).count() == 4
    assert _count(flood) == 3


def test_an_outsider_can_not_reach_the_review(client, outsider, flood):
    client.force_login(outsider)

    response = _act(client, "release", "review=suspect")

    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert Signature.objects.filter(held=True).count() == 4


def test_a_rule_added_in_admin_applies_to_the_next_signature(client, moderator, petition):
    client.force_login(moderator)
    response = client.post(
        f"{RULES}add/",
        {
            "name": "one each",
            "scope": "ip_petition",
            "enabled": "on",
            "burst_limit": "1",
            "burst_seconds": "3600",
            "sustained_limit": "0",
            "sustained_seconds": "86400",
            "note": "",
        },
    )
    assert response.status_code == 302

    first = _sign(petition, "first@example.org", ip="192.0.2.44")
    second = _sign(petition, "second@example.org", ip="192.0.2.44")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.held, second.held) == (False, True)


def test_list_entries_are_checked_and_stored_in_one_form(client, moderator, petition):
    client.force_login(moderator)
    bad = client.post(
        f"{ENTRIES}add/", {"kind": "network", "action": "block", "value": "not-an-ip"}
    )
    good = client.post(
        f"{ENTRIES}add/", {"kind": "network", "action": "block", "value": "203.0.113.9/24"}
    )

    assert bad.status_code == 200 and "is not an IP address" in bad.content.decode()
    assert good.status_code == 302
    assert AbuseListEntry.objects.get().value == "203.0.113.0/24"
    _sign(petition, "blocked@example.org", ip="203.0.113.200")
    assert Signature.objects.get(email="blocked@example.org").held


@pytest.mark.parametrize(
    "url",
    [
        RULES,
        ENTRIES,
        "/admin/petitions/disposabledomain/",
        "/admin/petitions/abusesettings/1/change/",
    ],
)
def test_the_rule_pages_open_for_moderators_only(client, moderator, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_switching_the_honeypot_off_in_admin_counts_bots_too(client, moderator, petition):
    client.force_login(moderator)
    response = client.post("/admin/petitions/abusesettings/1/change/", {"enabled": "on"})
    assert response.status_code == 302

    data = SignatureInput(full_name="Bot", email="bot@example.org", country="GB", honeypot=True)
    assert signature_create(petition=petition, data=data, ip="192.0.2.3").held is False
