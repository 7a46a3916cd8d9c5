"""Updates to signers: batches, one email per signer, unsubscribe (clarion.updates)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_drain_all as send_mail
from clarion.petitions.models import Signature, Update
from clarion.updates.services import update_publish, updates_mail
from tests.core.test_smtp import smtp  # noqa: F401 - a real SMTP server on loopback

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = re.compile(r"https?://\S+/updates/unsubscribe/([^/\s]+)/")


@pytest.fixture
def signers(petition, sign) -> list[Signature]:
    """Three confirmed signers who asked for updates, one who did not, one unconfirmed."""
    wanted = [
        sign(petition, f"fan{n}@example.org", full_name=f"Fan {n}", wants_updates=True)
        for n in range(3)
    ]
    sign(petition, "quiet@example.org", wants_updates=False)
    sign(petition, "pending@example.org", confirm=False, wants_updates=True)
    return wanted


def _update(petition, title: str = "The council will vote on Thursday") -> Update:
    return Update.objects.create(
        petition=petition, title=title, body="Come to the **public gallery** at 6 pm."
    )


def _update_mail():
    return OutboxMessage.objects.filter(key__startswith="update:")


def test_it_mails_confirmed_signers_who_opted_in_and_nobody_else(petition, signers, smtp):  # noqa: F811
    update = _update(petition)
    assert update_publish(update)

    assert updates_mail(batch=2) == 3
    send_mail()

    received = [r for r in smtp.received if r.message["Subject"].startswith("Update:")]
    assert sorted(r.rcpt_tos[0] for r in received) == [
        "fan0@example.org",
        "fan1@example.org",
        "fan2@example.org",
    ]
    message = received[0].message
    assert "The council will vote on Thursday" in message["Subject"]
    assert "public gallery" in received[0].text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = UNSUBSCRIBE.search(message["List-Unsubscribe"])
    assert link and link.group(0) in received[0].text
    update.refresh_from_db()
    assert (update.mailing, update.recipients) == ("sent", 3)


def test_no_signer_gets_an_update_twice_when_a_mailing_restarts(petition, signers):
    update = _update(petition)
    update_publish(update)
    updates_mail(batch=2)
    # The worst restart: the position is lost and the mailing runs again from the
    # start (as if its batches had committed but the position had not).
    Update.objects.filter(pk=update.pk).update(mailing="sending", mailed_up_to=0)

    updates_mail(batch=2)

    per_signer = sorted(_update_mail().values_list("to", flat=True))
    assert per_signer == ["fan0@example.org", "fan1@example.org", "fan2@example.org"]


def test_publishing_twice_mails_once(petition, signers):
    update = _update(petition)
    assert update_publish(update)
    assert not update_publish(update)

    updates_mail()
    updates_mail()

    assert _update_mail().count() == 3


def test_a_quiet_update_is_shown_on_the_page_but_mailed_to_nobody(client, petition, signers):
    update = _update(petition, title="Thank you all")
    update_publish(update, email=False)

    assert updates_mail() == 0
    assert not _update_mail().exists()
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Thank you all" in page and "public gallery" in page


def test_an_unpublished_update_is_not_on_the_page(client, petition):
    _update(petition, title="Draft news")
    assert "Draft news" not in client.get(petition.get_absolute_url()).content.decode()


def _unsubscribe_path(petition) -> str:
    update = _update(petition)
    update_publish(update)
    updates_mail()
    body = _update_mail().get(to="fan0@example.org").body
    return "/updates/unsubscribe/" + UNSUBSCRIBE.search(body).group(1) + "/"


def test_opening_the_unsubscribe_link_only_asks(petition, signers):
    path = _unsubscribe_path(petition)

    page = Client().get(path)

    assert page.status_code == 200
    assert "Stop these updates" in page.content.decode()
    assert Signature.objects.get(email="fan0@example.org").wants_updates


def test_one_click_unsubscribe_works_without_a_cookie_and_stops_the_next_update(petition, signers):
    path = _unsubscribe_path(petition)

    # What a mail client sends for RFC 8058 one-click: a bare POST, no CSRF cookie.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert not Signature.objects.get(email="fan0@example.org").wants_updates
    second = _update(petition, title="Second news")
    update_publish(second)
    updates_mail()
    assert "fan0@example.org" not in _update_mail().filter(
        key__startswith=f"update:{second.pk}:"
    ).values_list("to", flat=True)


def test_a_forged_unsubscribe_link_is_refused(petition, signers):
    response = Client().post("/updates/unsubscribe/not-a-real-token/")

    assert response.status_code == 404
    assert Signature.objects.filter(wants_updates=True).count() == 4


@pytest.fixture
def owner(db, petition):
    user = _staff("owner")
    petition.organisers.add(user)
    return user


@pytest.fixture
def member(db):
    return _staff("member")


def _staff(name: str):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(
        name, f"{name}@example.org", f"pw-{name}-1", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["add_update", "change_update", "view_update"])
    )
    return user


def test_organisers_publish_updates_from_the_admin_and_others_cannot(
    client, petition, signers, owner, member
):
    update = _update(petition)
    changelist = "/admin/petitions/update/"
    action = {"action": "publish_and_email", "_selected_action": [update.pk]}

    client.force_login(member)
    assert update.title not in client.get(changelist).content.decode()
    client.post(changelist, action)
    update.refresh_from_db()
    assert update.published_at is None

    client.force_login(owner)
    assert update.title in client.get(changelist).content.decode()
    client.post(changelist, action)
    update.refresh_from_db()
    assert update.published_at is not None and update.mailing == "sending"
