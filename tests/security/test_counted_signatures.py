"""Held and invalidated signatures count nowhere and show nowhere (issue 14, outcome 4).

One signer is counted; another fills the honeypot, so the abuse controls hold their
signature. They confirm it like anyone, then a moderator invalidates it. At each step
every surface that counts, lists, exports, mails or prints signatures is walked.
"""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_drain
from clarion.delivery.services import delivery_create
from clarion.petitions import abuse, charts, selectors
from clarion.petitions.models import Milestone, Petition, Signature, Update
from clarion.petitions.services import milestones_record
from clarion.updates.services import update_publish, updates_mail
from tests.conftest import fold

pytestmark = pytest.mark.django_db

HELD_NAME = "Hidden Heldperson"


@pytest.fixture
def signed(make_petition, sign, moderator):
    petition = make_petition(
        title="Keep the ferry running",
        slug="keep-the-ferry",
        signature_goal=2,
        pdf_lists_names=True,
    )
    petition.organisers.add(moderator)
    sign(
        petition,
        "counted@example.org",
        full_name="Ana Counted",
        country="GB",
        show_name=True,
        wants_updates=True,
    )
    held = sign(
        petition,
        "held@example.net",
        full_name=HELD_NAME,
        country="FR",
        comment="I never count",
        show_name=True,
        wants_updates=True,
        honeypot=True,
    )
    assert held.is_confirmed and held.held and held.review == Signature.Review.SUSPECT
    return petition, held


def _walk(client, moderator, petition: Petition) -> None:
    """Every surface says one signature, from Great Britain, by Ana Counted."""
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert list(selectors.counted_signatures(petition.pk).values_list("full_name", flat=True)) == [
        "Ana Counted"
    ]

    # The page: count, latest signatures, the chart by country.
    page = client.get(petition.get_absolute_url()).content.decode()
    assert HELD_NAME not in page and "I never count" not in page
    chart = charts.for_petition(petition)
    assert chart is not None and chart.total == 1
    assert [name for name, _n in chart.countries.rows] == ["United Kingdom"]

    # The JSON API: the petition and its counts by country.
    detail = client.get(f"/api/v1/petitions/{petition.slug}").json()
    assert detail["signature_count"] == 1
    by_country = client.get(f"/api/v1/petitions/{petition.slug}/countries").json()
    assert by_country["total"] == 1
    assert [row["country"] for row in by_country["results"]] == ["GB"]

    # OSDI: the signatures list and its total.
    osdi = client.get(f"/api/osdi/v1/petitions/{petition.pk}/signatures").json()
    assert osdi["total_records"] == 1
    assert HELD_NAME not in str(osdi)

    # The public CSV and the petition PDF's list of names.
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/data/petitions.csv").streaming_content).decode("utf-8-sig")
            )
        )
    )
    assert [r["signature_count"] for r in rows if r["slug"] == petition.slug] == ["1"]
    pdf = client.get(f"/p/{petition.slug}.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ana Counted" in text and HELD_NAME not in text

    # The organisers' export of counted signatures.
    client.force_login(moderator)
    export = client.post(
        "/admin/petitions/petition/",
        {"action": "export_confirmed", "_selected_action": [petition.pk]},
    ).content.decode()
    client.logout()
    assert "counted@example.org" in export and "held@example.net" not in export

    # Milestones: a goal of 2 is not reached by one counted signature.
    milestones_record()
    assert not Milestone.objects.filter(petition=petition).exists()

    # A delivery records the counted signatures only.
    delivery = delivery_create(
        subject_of=petition,
        recipients=[("Ministry of Ferries", "ferries@example.gov")],
        subject="Our petition",
        message="Please read it.",
        user=moderator,
    )
    assert delivery.count == 1

    # Updates go to counted signers only.
    update = Update.objects.create(petition=petition, title="News", body="We delivered it.")
    update_publish(update)
    updates_mail()
    outbox_drain()
    recipients = set(
        OutboxMessage.objects.filter(key__startswith="update:").values_list("to", flat=True)
    )
    assert recipients == {"counted@example.org"}
    OutboxMessage.objects.filter(key__startswith="update:").delete()


def test_a_held_signature_counts_and_shows_nowhere(client, moderator, signed):
    petition, _held = signed
    _walk(client, moderator, petition)


def test_an_invalidated_signature_counts_and_shows_nowhere(client, moderator, signed):
    petition, held = signed
    assert abuse.signatures_invalidate(Signature.objects.filter(pk=held.pk)) == 1
    held.refresh_from_db()
    assert held.review == Signature.Review.INVALID
    _walk(client, moderator, petition)


def test_releasing_it_counts_it_everywhere(client, signed):
    petition, held = signed
    abuse.signatures_release(Signature.objects.filter(pk=held.pk))
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 2
    by_country = client.get(f"/api/v1/petitions/{petition.slug}/countries").json()
    assert sorted(row["country"] for row in by_country["results"]) == ["FR", "GB"]
    osdi = client.get(f"/api/osdi/v1/petitions/{petition.pk}/signatures").json()
    assert osdi["total_records"] == 2
