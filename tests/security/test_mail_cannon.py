"""No mail cannon (issue 14, outcome 5).

Forty sign requests for one address used to send forty emails, each greeting the victim
with text the sender typed. Now a pending signature's link goes again at most once per
CLARION_CONFIRM_RESEND_MINUTES, an address gets at most CLARION_MAIL_PER_ADDRESS_PER_DAY
such emails a day, the site's form holds (not drops) signatures from one address past
CLARION_SIGN_FORM_PER_HOUR, and the JSON API takes JSON bodies only.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_drain
from clarion.petitions.models import HoldReason, Signature

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"


def _form(petition, email: str = VICTIM, name: str = "Buy cheap pills at spam.example"):
    return {"full_name": name, "email": email, "country": "GB"}


def test_forty_requests_for_one_address_send_one_email(client, petition):
    for _ in range(40):
        assert client.post(f"/p/{petition.slug}/sign/", _form(petition)).status_code == 302
    outbox_drain()
    assert OutboxMessage.objects.filter(to=VICTIM).count() == 1
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 1


def test_the_link_goes_again_once_the_resend_window_has_passed(client, petition, settings):
    client.post(f"/p/{petition.slug}/sign/", _form(petition))
    client.post(f"/p/{petition.slug}/sign/", _form(petition))
    assert OutboxMessage.objects.count() == 1
    Signature.objects.update(
        link_sent_at=timezone.now()
        - timezone.timedelta(minutes=settings.CLARION_CONFIRM_RESEND_MINUTES + 1)
    )
    client.post(f"/p/{petition.slug}/sign/", _form(petition))
    assert OutboxMessage.objects.count() == 2


def test_one_address_gets_at_most_its_daily_share_across_petitions(client, make_petition, settings):
    settings.CLARION_MAIL_PER_ADDRESS_PER_DAY = 3
    petitions = [make_petition() for _ in range(6)]
    for petition in petitions:
        client.post(f"/p/{petition.slug}/sign/", _form(petition))
    # The same address written another way is the same mailbox.
    client.post(f"/p/{petitions[0].slug}/sign/", _form(petitions[0], email="Victim@Example.org"))
    outbox_drain()
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    dropped = OutboxMessage.objects.filter(status=OutboxMessage.Status.DROPPED)
    assert sent.count() == 3
    assert dropped.count() == 3
    assert set(dropped.values_list("last_error", flat=True)) == {"daily cap for this address"}


def test_plus_tags_on_many_petitions_share_one_mailboxs_cap(client, make_petition, settings):
    settings.CLARION_MAIL_PER_ADDRESS_PER_DAY = 2
    for n in range(5):
        petition = make_petition()
        client.post(f"/p/{petition.slug}/sign/", _form(petition, email=f"victim+{n}@example.org"))
    outbox_drain()
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.DROPPED).count() == 3


def test_updates_and_deliveries_are_not_capped(client, petition, settings):
    from clarion.core.outbox import outbox_enqueue

    settings.CLARION_MAIL_PER_ADDRESS_PER_DAY = 1
    for n in range(3):
        outbox_enqueue(key=f"update:1:{n}", to=VICTIM, subject="Update", body="News.")
    assert outbox_drain() == 3


def test_the_site_form_holds_signatures_past_its_limit_per_address(client, make_petition, settings):
    settings.CLARION_SIGN_FORM_PER_HOUR = 3
    for n in range(5):
        petition = make_petition()
        response = client.post(
            f"/p/{petition.slug}/sign/", _form(petition, email=f"signer{n}@example.org")
        )
        assert response.status_code == 302  # the signer is told the same either way
    held = Signature.objects.filter(held=True)
    assert held.count() == 2
    assert set(held.values_list("hold_reason", flat=True)) == {HoldReason.RATE_LIMIT}
    # Held, not dropped: each got its link and can confirm.
    assert OutboxMessage.objects.count() == 5


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", json.dumps({"full_name": "Ana", "email": VICTIM, "country": "GB"})),
        ("application/x-www-form-urlencoded", f"full_name=Ana&email={VICTIM}&country=GB"),
        ("multipart/form-data; boundary=x", "--x--"),
    ],
)
def test_the_api_refuses_bodies_a_web_page_can_send_without_asking(
    client, petition, content_type, body
):
    response = client.post(
        f"/api/v1/petitions/{petition.slug}/signatures", body, content_type=content_type
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not Signature.objects.exists()


def test_the_api_still_signs_with_a_json_body(client, petition):
    response = client.post(
        f"/api/v1/petitions/{petition.slug}/signatures",
        {"full_name": "Ana", "email": "ana@example.org", "country": "GB"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert Signature.objects.count() == 1
