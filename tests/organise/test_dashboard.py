"""The organiser dashboard: signing in by emailed link, and everything an organiser does
there. Only the creator (and staff) get in; only organisers get the signers' CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from clarion.campaigns.models import Correction, DeliveryRequest
from clarion.campaigns.services import correction_apply, moderation_approve
from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition, PetitionSource, Signature, Update
from tests.campaigns.helpers import (
    CREATOR,
    gather_supporters,
    link_in,
    mail_to,
    sign_in,
    start_and_confirm,
)
from tests.conftest import fold, issued_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def creator(category, settings) -> Client:
    settings.CLARION_SPONSORS_NEEDED = 2
    client = Client()
    start_and_confirm(client, category)
    sign_in(client)
    return client


@pytest.fixture
def started(creator) -> Petition:
    return Petition.objects.get()


@pytest.fixture
def published(creator, started) -> Petition:
    gather_supporters(creator, started, 2)
    moderation_approve(started)
    started.refresh_from_db()
    return started


def dashboard(petition: Petition) -> str:
    return f"/organise/p/{petition.slug}/"


def test_the_sign_in_form_answers_alike_whoever_asks(client, started):
    for address in (CREATOR, "stranger@example.org"):
        response = client.post("/organise/", {"email": address, "homepage": ""})
        assert response.status_code == 200
        assert "Check your email" in response.content.decode()
    # Only the address that started a petition gets a link.
    assert OutboxMessage.objects.filter(subject__startswith="Sign in").count() == 1
    assert not OutboxMessage.objects.filter(to="stranger@example.org").exists()


def test_opening_the_link_only_shows_a_button_and_the_post_signs_in(client, started):
    client.post("/organise/", {"email": CREATOR, "homepage": ""})
    path = link_in(mail_to(CREATOR, "Sign in").body, r"/organise/signin/[\w-]+/")
    assert "Sign in to run your petitions" in client.get(path).content.decode()
    assert started.title not in client.get("/organise/").content.decode()  # not yet
    client.post(path)
    home = client.get("/organise/").content.decode()
    assert started.title in home
    assert f'href="/organise/p/{started.slug}/"' in home


def test_a_forged_link_signs_nobody_in(client, started):
    response = client.post("/organise/signin/forged-token/")
    assert response.status_code == 404
    assert started.title not in client.get("/organise/").content.decode()


def test_nobody_else_reaches_the_dashboard(client, started, outsider, category):
    assert client.get(dashboard(started))["Location"] == "/organise/"
    # The creator of another petition, signed in, does not reach this one.
    someone = Client()
    start_and_confirm(someone, category, email="someone@example.org", title="Other buses")
    sign_in(someone, "someone@example.org")
    assert someone.get(dashboard(started)).status_code == 404
    assert someone.get(dashboard(started) + "signers.csv").status_code == 404
    other = Client()
    other.force_login(outsider)
    assert other.get(dashboard(started)).status_code == 404
    assert other.post(dashboard(started) + "close/", {"confirm": "on"}).status_code == 404


def test_staff_open_any_petitions_dashboard_but_do_not_get_its_signers(started, moderator):
    staff = Client()
    staff.force_login(moderator)
    page = staff.get(dashboard(started)).content.decode()
    assert started.title in page
    assert "signers.csv" not in page
    assert staff.get(dashboard(started) + "signers.csv").status_code == 404


def test_the_dashboard_shows_the_count_curve_countries_and_milestones(creator, published, sign):
    sign(published, "mx@example.org", country="MX")
    published.refresh_from_db()
    page = creator.get(dashboard(published)).content.decode()
    assert "Signatures at a glance" in page  # the petition page's own charts
    assert "Mexico" in page
    assert "None yet: the next is 100 signatures." in page


def test_source_tags_are_tallied_without_keeping_them_on_signatures(published, sign):
    for n in range(2):
        sign(published, f"news{n}@example.org", source="newsletter")
    sign(published, "plain@example.org")
    tally = {row.source: row.signatures for row in PetitionSource.objects.all()}
    assert tally == {"newsletter": 2, "supporters-link": 2}
    assert not Signature.objects.exclude(source="").exists()


def test_a_tagged_link_from_the_page_is_counted(published):
    visitor = Client()
    visitor.post(
        f"/p/{published.slug}/sign/",
        {"full_name": "Tag Person", "email": "tag@example.org", "country": "GB", "source": "Radio"},
    )
    signature = Signature.objects.get(email="tag@example.org")
    visitor.post(f"/confirm/{issued_token(signature)}/")
    assert PetitionSource.objects.get(source="radio").signatures == 1


def test_a_bogus_tag_or_a_held_signature_counts_nowhere(published, sign):
    from clarion.petitions.sources import clean_source

    assert clean_source("<script>") == ""
    sign(published, "bot@example.org", source="ads", honeypot=True)  # held, not counted
    assert Signature.objects.get(email="bot@example.org").held
    assert not PetitionSource.objects.filter(source="ads").exists()


def test_the_dashboard_makes_tracked_links(creator, published):
    page = creator.get(dashboard(published), {"tag": "newsletter"}).content.decode()
    assert f"/p/{published.slug}/?source=newsletter" in page
    bad = creator.get(dashboard(published), {"tag": "Not a tag!"}).content.decode()
    assert "lower-case letters" in bad


def test_an_update_from_the_dashboard_goes_to_the_page_and_the_mailing(creator, published, sign):
    sign(published, "wants@example.org", wants_updates=True)
    response = creator.post(
        dashboard(published) + "update/",
        {"title": "We met the council", "body": "They listened.", "email_signers": "on"},
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert update.published_at is not None
    assert update.mailing == Update.Mailing.SENDING
    page = Client().get(published.get_absolute_url()).content.decode()
    assert "We met the council" in page


def test_updates_are_limited_per_day(creator, published):
    from clarion.organise.views import UPDATES_PER_DAY

    for n in range(UPDATES_PER_DAY):
        creator.post(dashboard(published) + "update/", {"title": f"News {n}", "body": "Text."})
    response = creator.post(dashboard(published) + "update/", {"title": "One more", "body": "x"})
    assert response.status_code == 429
    assert Update.objects.count() == UPDATES_PER_DAY


def test_before_moderation_the_text_is_edited_directly(creator, started):
    response = creator.post(
        dashboard(started) + "text/",
        {
            "title": "Keep every night bus in Leeds",
            "goal": "We ask the Combined Authority to keep all night buses.",
            "narrative": "Night workers need a safe way home after their shifts end.",
            "demands": "Keep all routes",
        },
    )
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.title == "Keep every night bus in Leeds"
    assert [d.text for d in started.demands.all()] == ["Keep all routes"]
    assert not Correction.objects.exists()


def test_after_publication_a_change_is_a_correction_moderators_apply(creator, published):
    data = {
        "title": "Keep the night buses running in Leeds",
        "goal": "We ask the Combined Authority to keep every night route, weekends included.",
        "narrative": "Night workers, nurses and students rely on these buses to get home.",
        "demands": "Keep all night routes",
        "note": "Added weekends.",
    }
    creator.post(dashboard(published) + "text/", data)
    published.refresh_from_db()
    assert "weekends" not in published.goal  # locked
    correction = Correction.objects.get(status=Correction.Status.PENDING)
    creator.post(dashboard(published) + "text/", {**data, "note": "Second try."})
    assert Correction.objects.get(status=Correction.Status.PENDING).note == "Second try."
    correction_apply(Correction.objects.get(status=Correction.Status.PENDING))
    published.refresh_from_db()
    assert "weekends included" in published.goal
    assert not Correction.objects.filter(pk=correction.pk).exists()  # replaced


def test_an_organiser_closes_early_and_asks_for_delivery(creator, published):
    response = creator.post(dashboard(published) + "delivery/", {"note": "To the mayor."})
    assert response.status_code == 302
    assert DeliveryRequest.objects.get().note == "To the mayor."
    creator.post(dashboard(published) + "delivery/", {"note": "Again"})
    assert DeliveryRequest.objects.count() == 1  # one open request at a time
    assert creator.post(dashboard(published) + "close/", {}).status_code == 400
    creator.post(dashboard(published) + "close/", {"confirm": "on"})
    published.refresh_from_db()
    assert published.status == Petition.Status.CLOSED


def test_the_csv_holds_only_signers_who_agreed_and_is_spreadsheet_safe(creator, published, sign):
    sign(published, "yes@example.org", full_name="=HYPERLINK(1)", contact_by_organiser=True)
    sign(published, "no@example.org", full_name="Not Sharing")
    sign(published, "pending@example.org", confirm=False, contact_by_organiser=True)
    response = creator.get(dashboard(published) + "signers.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "email", "country", "signed"]
    assert [row[:3] for row in rows[1:]] == [["'=HYPERLINK(1)", "yes@example.org", "GB"]]


def test_staff_named_as_organisers_get_the_csv(published, moderator, outsider):
    outsider.is_staff = True
    outsider.save()
    published.organisers.add(outsider)
    staff = Client()
    staff.force_login(outsider)
    assert staff.get(dashboard(published) + "signers.csv").status_code == 200


def test_the_dashboard_speaks_spanish(creator, published):
    page = creator.get("/es" + dashboard(published)).content.decode()
    assert "Dónde está" in page


def test_supporters_count_on_the_dashboard_while_collecting(creator, started):
    gather_supporters(creator, started, 1)
    fold()
    page = creator.get(dashboard(started)).content.decode()
    assert "1 of 2 supporters so far." in page
    assert "/start/support/" in page


def test_a_signers_own_copy_says_whether_organisers_may_email_them(published, sign):
    from clarion.privacy.services import signature_export

    signature = sign(published, "copy@example.org", contact_by_organiser=True)
    assert signature_export(signature, "https://x.example")["organisers_may_email"] is True
