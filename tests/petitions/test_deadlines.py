"""Closing dates and growing goals (petitions.services, run by the worker)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Milestone, Petition, Signature
from clarion.petitions.services import milestones_record, next_goal, petitions_close_due

pytestmark = pytest.mark.django_db

VALID = {"full_name": "Ana Example", "email": "ana@example.org", "country": "GB"}


def test_it_stops_signing_at_the_closing_time_before_the_worker_closes_it(client, make_petition):
    petition = make_petition(closes_at=timezone.now() - timedelta(seconds=1))

    response = client.post(f"/p/{petition.slug}/sign/", VALID)

    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert not Signature.objects.exists()


def test_it_takes_signatures_until_the_closing_time(client, make_petition):
    petition = make_petition(closes_at=timezone.now() + timedelta(hours=1))

    assert client.post(f"/p/{petition.slug}/sign/", VALID).status_code == 302
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Closes" in page


def test_the_worker_closes_petitions_whose_time_has_come_and_only_those(make_petition):
    due = make_petition(closes_at=timezone.now() - timedelta(minutes=1))
    later = make_petition(closes_at=timezone.now() + timedelta(days=1))
    open_ended = make_petition()

    assert petitions_close_due() == 1
    assert petitions_close_due() == 0  # a second run (or worker) finds nothing left

    statuses = dict(Petition.objects.values_list("pk", "status"))
    assert statuses[due.pk] == "closed"
    assert statuses[later.pk] == statuses[open_ended.pk] == "published"
    due.refresh_from_db()
    assert due.closed_at is not None


@pytest.mark.parametrize(
    ("count", "goal"), [(0, 100), (99, 100), (100, 250), (260, 500), (1000, 2500), (7300, 10000)]
)
def test_the_next_goal_is_the_next_round_step_above_the_count(count, goal):
    assert next_goal(count) == goal


@pytest.fixture
def organiser(db):
    return get_user_model().objects.create_user(
        "organiser", "organiser@example.org", "pw-organiser-1", is_staff=True
    )


def test_reaching_the_goal_records_a_milestone_sets_the_next_goal_and_mails_once(
    make_petition, sign, organiser
):
    petition = make_petition(signature_goal=2)
    petition.organisers.add(organiser)
    sign(petition, "a@example.org")
    assert milestones_record() == 0  # 1 of 2

    sign(petition, "b@example.org")
    assert milestones_record() == 1
    assert milestones_record() == 0  # run again: nothing new, no second email

    petition.refresh_from_db()
    assert petition.signature_goal == 100
    assert list(Milestone.objects.values_list("goal", flat=True)) == [2]
    mails = OutboxMessage.objects.filter(key__startswith="milestone:")
    assert [m.to for m in mails] == ["organiser@example.org"]
    assert "goal of 2 signatures" in mails[0].body


def test_a_fixed_goal_is_kept_and_its_milestone_recorded_once(make_petition, sign, organiser):
    petition = make_petition(signature_goal=1, grow_goal=False)
    petition.organisers.add(organiser)
    sign(petition, "a@example.org")

    assert milestones_record() == 1
    sign(petition, "b@example.org")
    assert milestones_record() == 0

    petition.refresh_from_db()
    assert petition.signature_goal == 1
    assert OutboxMessage.objects.filter(key__startswith="milestone:").count() == 1


def test_the_page_shows_the_new_goal(client, make_petition, sign):
    petition = make_petition(signature_goal=1)
    sign(petition)
    milestones_record()

    page = client.get(petition.get_absolute_url()).content.decode()
    assert 'max="100"' in page
    assert "of 100 goal" in page
