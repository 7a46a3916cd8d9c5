"""A signer sees, downloads and deletes their own data through an emailed link."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Signature
from clarion.privacy.models import AccessLink
from clarion.privacy.services import my_data_token, privacy_purge

pytestmark = pytest.mark.django_db


def _ask(client, email: str):
    return client.post(reverse("privacy:my_data_start"), {"email": email})


def _link_from_outbox(address: str) -> str:
    message = OutboxMessage.objects.filter(key__startswith="my-data:", to=address).get()
    match = re.search(r"https?://\S+/my-data/(\S+)/", message.body)
    assert match, message.body
    return reverse("privacy:my_data", args=[match.group(1)])


def test_it_emails_a_link_and_answers_the_same_for_strangers(client, petition, sign):
    sign(petition, "Ana@Example.org")
    known = _ask(client, "ana@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("privacy:my_data_sent")
    assert OutboxMessage.objects.filter(key__startswith="my-data:").count() == 1
    # Asking again within the hour sends nothing more.
    _ask(client, "ANA@example.org")
    assert OutboxMessage.objects.filter(key__startswith="my-data:").count() == 1


def test_a_bad_address_is_refused_with_a_message(client):
    response = _ask(client, "not-an-address")
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_opening_the_link_shows_the_data_and_changes_nothing(client, petition, make_petition, sign):
    other = make_petition(title="Light the towpath", slug="light-the-towpath")
    sign(petition, "ana@example.org", postcode="SE1 7PB", comment="For the fish.")
    sign(other, "ana@example.org", confirm=False)
    sign(petition, "ben@example.org", full_name="Ben Other")
    _ask(client, "ana@example.org")
    page = client.get(_link_from_outbox("ana@example.org"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Clean the Thames" in html and "Light the towpath" in html
    assert "ana@example.org" in html and "SE1 7PB" in html and "For the fish." in html
    assert "not confirmed" in html
    assert "ben@example.org" not in html and "Ben Other" not in html
    assert Signature.objects.filter(email_normalised="ana@example.org").count() == 2


def test_the_download_is_a_json_copy(client, petition, sign):
    sign(petition, "ana@example.org", postcode="SE1 7PB")
    token = my_data_token("ana@example.org")
    response = client.get(reverse("privacy:my_data_export", args=[token]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "ana@example.org"
    [row] = data["signatures"]
    assert row["petition"] == "Clean the Thames"
    assert row["postcode"] == "SE1 7PB"
    assert row["confirmed_at"] is not None
    assert row["ip_address_stored"] == "only as a keyed hash"


def test_deleting_needs_the_deliberate_post_and_corrects_the_counts(petition, sign):
    sign(petition, "ana@example.org")
    sign(petition, "ben@example.org")
    petition.refresh_from_db()
    assert petition.signature_count == 2
    url = reverse("privacy:my_data", args=[my_data_token("ana@example.org")])
    browser = Client(enforce_csrf_checks=True)
    # Without the page's CSRF token the POST is refused and nothing is deleted.
    assert browser.post(url, {"action": "delete"}).status_code == 403
    assert Signature.objects.filter(email_normalised="ana@example.org").exists()
    browser.get(url)
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"action": "delete", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "1 signature was deleted" in response.content.decode()
    assert not Signature.objects.filter(email_normalised="ana@example.org").exists()
    assert not OutboxMessage.objects.filter(to="ana@example.org").exists()
    assert OutboxMessage.objects.filter(to="ben@example.org").exists()
    petition.refresh_from_db()
    assert petition.signature_count == 1


@pytest.mark.parametrize("token", ["nonsense", "a" * 600])
def test_a_bad_link_is_404_and_shows_how_to_ask_again(client, token):
    response = client.get(reverse("privacy:my_data", args=[token]))
    assert response.status_code == 404
    assert reverse("privacy:my_data_start") in response.content.decode()
    export = client.get(reverse("privacy:my_data_export", args=[token]))
    assert export.status_code == 404


def test_an_expired_link_no_longer_works(client, petition, sign, settings, monkeypatch):
    sign(petition, "ana@example.org")
    token = my_data_token("ana@example.org")
    link = AccessLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(hours=settings.CLARION_MY_DATA_HOURS)
    AccessLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("privacy:my_data", args=[token])).status_code == 404


def test_purge_deletes_old_unconfirmed_signatures_and_clears_old_ip_hashes(
    petition, sign, settings
):
    old = timezone.now() - timedelta(days=settings.CLARION_PURGE_UNCONFIRMED_DAYS + 1)
    stale = sign(petition, "stale@example.org", confirm=False)
    fresh = sign(petition, "fresh@example.org", confirm=False)
    kept = sign(petition, "kept@example.org")
    Signature.objects.filter(pk__in=[stale.pk, kept.pk]).update(created_at=old)
    Signature.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - timedelta(days=settings.CLARION_PURGE_IP_DAYS + 1)
    )
    result = privacy_purge()
    assert result.unconfirmed == 1 and result.ip_hashes == 1
    assert not Signature.objects.filter(pk=stale.pk).exists()
    assert Signature.objects.get(pk=fresh.pk).ip_hash != ""
    kept.refresh_from_db()
    assert kept.ip_hash == "" and kept.is_confirmed


def test_the_purge_command_reports_what_it_did(petition, sign, settings, capsys):
    stale = sign(petition, "stale@example.org", confirm=False)
    Signature.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=settings.CLARION_PURGE_UNCONFIRMED_DAYS + 1)
    )
    call_command("purge")
    assert "Deleted 1 unconfirmed signature" in capsys.readouterr().out


def test_purge_deletes_old_sent_mail_but_keeps_what_may_still_go_out(petition, sign, settings):
    sign(petition, "ana@example.org", confirm=False)
    sign(petition, "ben@example.org", confirm=False)
    old = timezone.now() - timedelta(days=settings.CLARION_PURGE_MAIL_DAYS + 1)
    OutboxMessage.objects.filter(to="ana@example.org").update(
        status=OutboxMessage.Status.SENT, created_at=old
    )
    OutboxMessage.objects.filter(to="ben@example.org").update(created_at=old)  # pending
    assert privacy_purge().mail == 1
    assert not OutboxMessage.objects.filter(to="ana@example.org").exists()
    assert OutboxMessage.objects.filter(to="ben@example.org").exists()
