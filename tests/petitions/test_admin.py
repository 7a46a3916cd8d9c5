from __future__ import annotations

import csv
import io

import pytest

from clarion.petitions.models import Petition, Signature

pytestmark = pytest.mark.django_db

PETITIONS = "/admin/petitions/petition/"
SIGNATURES = "/admin/petitions/signature/"


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(
    "url",
    [
        PETITIONS,
        SIGNATURES,
        "/admin/petitions/category/",
        "/admin/petitions/target/",
        f"{PETITIONS}add/",
    ],
)
def test_changelists_load_for_moderators(staff_client, petition, url):
    assert staff_client.get(url).status_code == 200


def test_outsiders_are_sent_to_login(client, outsider, petition):
    client.force_login(outsider)
    response = client.get(PETITIONS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    export = client.post(
        PETITIONS, {"action": "export_confirmed", "_selected_action": [petition.pk]}
    )
    assert export.status_code == 302 and "/admin/login/" in export["Location"]


def test_moderators_find_signatures_by_email_or_name(staff_client, petition, sign):
    sign(petition, "ana@example.org", full_name="Ana Example")
    sign(petition, "bo@example.org", full_name="Bo Other")
    by_email = staff_client.get(SIGNATURES, {"q": "ana@example"})
    assert [s.full_name for s in by_email.context["cl"].result_list] == ["Ana Example"]
    by_name = staff_client.get(SIGNATURES, {"q": "Other"})
    assert [s.full_name for s in by_name.context["cl"].result_list] == ["Bo Other"]


def test_publish_and_close_actions(staff_client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    staff_client.post(PETITIONS, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    staff_client.post(PETITIONS, {"action": "close", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "closed" and draft.closed_at is not None


def test_closing_a_draft_warns_and_leaves_it(staff_client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    response = staff_client.post(
        PETITIONS, {"action": "close", "_selected_action": [draft.pk]}, follow=True
    )
    assert "can&#x27;t be closed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_export_has_confirmed_signatures_only_and_defuses_formulas(staff_client, petition, sign):
    sign(petition, "ana@example.org", full_name='=HYPERLINK("http://evil")')
    sign(petition, "pending@example.org", full_name="Pending Person", confirm=False)
    response = staff_client.post(
        PETITIONS, {"action": "export_confirmed", "_selected_action": [petition.pk]}
    )
    rows = _rows(response)
    assert rows[0][:3] == ["petition", "full_name", "email"]
    assert len(rows) == 2
    assert rows[1][0] == petition.slug
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2] == "ana@example.org"


def test_signature_export_takes_the_selection(staff_client, petition, sign):
    a = sign(petition, "a@example.org")
    sign(petition, "b@example.org")
    rows = _rows(
        staff_client.post(SIGNATURES, {"action": "export_confirmed", "_selected_action": [a.pk]})
    )
    assert [row[2] for row in rows[1:]] == ["a@example.org"]


def test_a_petition_created_in_admin_is_published_and_searchable(staff_client, client):
    response = staff_client.post(
        f"{PETITIONS}add/",
        {
            "title": "Lower bus fares for apprentices",
            "slug": "lower-bus-fares",
            "status": "published",
            "language": "en",
            "goal": "We call on the transport authority to halve fares for apprentices.",
            "narrative": "Apprentices earn little.",
            "countries": ["GB"],
            "signature_goal": "500",
            "demands-TOTAL_FORMS": "2",
            "demands-INITIAL_FORMS": "0",
            "demands-MIN_NUM_FORMS": "0",
            "demands-MAX_NUM_FORMS": "1000",
            "demands-0-position": "1",
            "demands-0-text": "Halve fares for apprentices.",
            "demands-1-position": "2",
            "demands-1-text": "Publish the cost.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = Petition.objects.get(slug="lower-bus-fares")
    assert petition.published_at is not None
    assert [d.text for d in petition.demands.all()] == [
        "Halve fares for apprentices.",
        "Publish the cost.",
    ]
    found = staff_client.get("/search/", {"q": "apprentices"}).context["results"]
    assert [hit.petition.slug for hit in found.hits] == ["lower-bus-fares"]


def test_deleting_signatures_in_admin_fixes_the_count(staff_client, petition, sign):
    a = sign(petition, "a@example.org")
    sign(petition, "b@example.org")
    staff_client.post(
        SIGNATURES, {"action": "delete_selected", "_selected_action": [a.pk], "post": "yes"}
    )
    assert not Signature.objects.filter(pk=a.pk).exists()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_deleting_a_petition_removes_it_from_search(staff_client, petition):
    staff_client.post(f"{PETITIONS}{petition.pk}/delete/", {"post": "yes"})
    assert not Petition.objects.exists()
    assert staff_client.get("/search/", {"q": "Thames"}).context["results"].total == 0
