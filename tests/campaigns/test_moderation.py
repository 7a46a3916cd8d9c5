"""Supporters through the private link, then moderation: approved petitions are
published everywhere, rejected ones show their title and published reason."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from clarion.campaigns.services import sponsors_check
from clarion.petitions.models import Petition, RejectionReason
from tests.campaigns.helpers import (
    CREATOR,
    gather_supporters,
    mail_to,
    start_and_confirm,
    support_path,
)
from tests.conftest import fold

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client, category, settings) -> Petition:
    settings.CLARION_SPONSORS_NEEDED = 3
    return start_and_confirm(client, category)


def test_the_private_link_shows_the_petition_and_how_many_supporters_it_needs(client, started):
    page = Client().get(support_path(started))
    html = page.content.decode()
    assert page.status_code == 200
    assert started.title in html
    assert "0 of 3 supporters so far" in html
    assert "Keep all night routes" in html
    assert page["X-Robots-Tag"].startswith("noindex")
    assert CREATOR not in html and "María Creator" not in html


def test_supporters_move_it_to_moderation_and_the_creator_is_told(client, started):
    gather_supporters(client, started, 2)
    assert sponsors_check() == 0
    assert "2 of 3 supporters" in Client().get(support_path(started)).content.decode()
    gather_supporters(client, started, 1, first=2)
    assert sponsors_check() == 1
    started.refresh_from_db()
    assert started.status == Petition.Status.MODERATION
    assert "moderators" in mail_to(CREATOR, "moderators").subject
    assert sponsors_check() == 0  # once


def test_the_creators_own_signature_is_not_a_supporter(client, started, settings):
    settings.CLARION_SPONSORS_NEEDED = 1
    path = support_path(started)
    client.post(path + "sign/", {"full_name": "María Creator", "email": CREATOR, "country": "GB"})
    from tests.campaigns.helpers import link_in

    client.post(link_in(mail_to(CREATOR, "confirm your signature").body, r"/confirm/[\w-]+/"))
    fold()
    started.refresh_from_db()
    assert started.signature_count == 1
    assert sponsors_check() == 0


def test_unconfirmed_supporters_do_not_count(client, started):
    path = support_path(started)
    for n in range(3):
        client.post(
            path + "sign/", {"full_name": f"P {n}", "email": f"p{n}@x.org", "country": "GB"}
        )
    fold()
    assert sponsors_check() == 0


def _queue_action(client, action: str, petition: Petition, **extra):
    return client.post(
        "/admin/campaigns/moderationqueue/",
        {"action": action, "_selected_action": [petition.pk], **extra},
    )


def test_a_moderator_approves_it_and_it_is_published_everywhere(client, started, moderator):
    gather_supporters(client, started, 3)
    sponsors_check()
    staff = Client()
    staff.force_login(moderator)
    queue = staff.get("/admin/campaigns/moderationqueue/").content.decode()
    assert started.title in queue
    response = _queue_action(staff, "approve", started)
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.status == Petition.Status.PUBLISHED
    assert "published" in mail_to(CREATOR, "published").subject

    visitor = Client()
    assert started.title in visitor.get("/").content.decode()
    assert started.title in visitor.get("/search/", {"q": "night buses"}).content.decode()
    api = visitor.get(f"/api/v1/petitions/{started.slug}").content.decode()
    assert started.title in api
    assert started.slug in visitor.get("/api/osdi/v1/petitions").content.decode()
    # The creator is never exposed: not their address, not their name.
    for path in (
        started.get_absolute_url(),
        f"/api/v1/petitions/{started.slug}",
        "/api/v1/petitions",
        "/api/osdi/v1/petitions",
        "/feeds/petitions.atom",
        "/data/petitions.csv",
    ):
        response = visitor.get(path)
        body = b"".join(response.streaming_content if response.streaming else [response.content])
        assert CREATOR not in body.decode() and "María Creator" not in body.decode(), path
    # The private link now leads to the public page, which takes signatures itself.
    assert visitor.get(support_path(started))["Location"] == started.get_absolute_url()


def test_a_moderator_rejects_it_with_a_reason_the_page_publishes(client, started, moderator):
    staff = Client()
    staff.force_login(moderator)
    reason = RejectionReason.objects.get(slug="not-target")
    form = _queue_action(staff, "reject", started)
    assert "Reject petitions" in form.content.decode()
    response = _queue_action(
        staff, "reject", started, apply="1", reason=reason.pk, note="Ask the council instead."
    )
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.status == Petition.Status.REJECTED
    mail = mail_to(CREATOR, "not published")
    assert "Not something the target can do" in mail.body
    assert "Ask the council instead." in mail.body

    page = Client().get(started.get_absolute_url())
    html = page.content.decode()
    assert started.title in html
    assert "Not something the target can do" in html
    assert "Ask the council instead." in html
    assert "Keep all night routes" in html  # this reason leaves the text on show
    assert 'action="/p/' not in html
    spanish = Client().get("/es" + started.get_absolute_url()).content.decode()
    assert "No está en manos de su destinatario" in spanish
    # And it takes no more signatures through the private link.
    assert Client().get(support_path(started))["Location"] == started.get_absolute_url()


@pytest.mark.parametrize("slug", ["offensive", "personal-data"])
def test_offensive_or_personal_text_is_never_shown_once_rejected(client, started, moderator, slug):
    staff = Client()
    staff.force_login(moderator)
    reason = RejectionReason.objects.get(slug=slug)
    _queue_action(staff, "reject", started, apply="1", reason=reason.pk, note="Names a neighbour.")
    html = Client().get(started.get_absolute_url()).content.decode()
    assert started.title in html
    assert reason.label in html
    for text in ("Keep all night routes", started.goal, "Night workers", "Names a neighbour."):
        assert text not in html


def test_a_duplicate_sends_people_to_the_petition_it_repeats(client, started, make_petition):
    from clarion.campaigns.services import moderation_reject

    original = make_petition(title="Night buses for all of Leeds", slug="night-buses-leeds")
    moderation_reject(
        started, reason=RejectionReason.objects.get(slug="duplicate"), duplicate_of=original
    )
    html = Client().get(started.get_absolute_url()).content.decode()
    assert 'href="/p/night-buses-leeds/"' in html
    assert "/p/night-buses-leeds/" in mail_to(CREATOR, "not published").body


def test_the_database_refuses_a_rejection_without_its_reason(started):
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=started.pk).update(
            status=Petition.Status.REJECTED, rejected_at=timezone.now()
        )


def test_the_petition_admin_asks_for_the_reason(client, started, moderator):
    staff = Client()
    staff.force_login(moderator)
    page = staff.get(f"/admin/petitions/petition/{started.pk}/change/")
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    response = staff.post(
        f"/admin/petitions/petition/{started.pk}/change/", {**data, "status": "rejected"}
    )
    assert "A rejected petition needs its reason." in response.content.decode()
    started.refresh_from_db()
    assert started.status == Petition.Status.COLLECTING


def test_rejection_reasons_are_edited_in_admin_and_kept_once_used(client, started, moderator):
    from clarion.campaigns.services import moderation_reject

    staff = Client()
    staff.force_login(moderator)
    assert "Advertising or spam" in staff.get("/admin/petitions/rejectionreason/").content.decode()
    reason = RejectionReason.objects.get(slug="advertising")
    moderation_reject(started, reason=reason)
    response = staff.post(f"/admin/petitions/rejectionreason/{reason.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert RejectionReason.objects.filter(pk=reason.pk).exists()
