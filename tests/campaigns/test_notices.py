"""Who hears what about a started petition beyond its creator's own steps: moderators
when it waits for them, and its creator when it reaches a goal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from clarion.campaigns.services import milestones_tell_creators, sponsors_check
from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition
from clarion.petitions.services import milestones_record
from tests.campaigns.helpers import CREATOR, gather_supporters, start_and_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client, category, settings) -> Petition:
    settings.CLARION_SPONSORS_NEEDED = 2
    return start_and_confirm(client, category)


def _staff(username: str, *, may_moderate: bool, superuser: bool = False):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw-staff-1", is_staff=True, is_superuser=superuser
    )
    if may_moderate:
        user.user_permissions.add(Permission.objects.get(codename="change_moderationqueue"))
    return user


def test_moderators_are_told_once_when_a_petition_waits_for_them(client, started):
    _staff("chief", may_moderate=False, superuser=True)
    _staff("mod", may_moderate=True)
    _staff("editor", may_moderate=False)
    gather_supporters(client, started, 2)
    assert sponsors_check() == 1
    assert sponsors_check() == 0
    told = OutboxMessage.objects.filter(key__startswith="start-queue:")
    assert sorted(told.values_list("to", flat=True)) == ["chief@example.org", "mod@example.org"]
    message = told.first()
    assert "awaits moderation" in message.subject and started.title in message.subject
    assert "/admin/campaigns/moderationqueue/?status__exact=moderation" in message.body
    # The creator's address is for the admin page, not for this email.
    assert CREATOR not in message.body


def test_the_creator_hears_of_each_goal_once(client, category, settings):
    settings.CLARION_SPONSORS_NEEDED = 1
    started = start_and_confirm(client, category)
    Petition.objects.filter(pk=started.pk).update(
        status=Petition.Status.PUBLISHED,
        published_at=timezone.now(),
        signature_goal=10,
        signature_count=12,
        grow_goal=True,
    )
    assert milestones_record() == 1
    assert milestones_tell_creators() == 1
    assert milestones_tell_creators() == 0  # once
    mail = OutboxMessage.objects.get(key__startswith="start-milestone:")
    assert mail.to == CREATOR
    assert "10" in mail.subject and started.title in mail.subject
    assert "/organise/signin/" in mail.body
    # The next goal, reached too: a second email, for that goal.
    Petition.objects.filter(pk=started.pk).update(signature_count=1_000)
    assert milestones_record() == 1
    assert milestones_tell_creators() == 1
    assert OutboxMessage.objects.filter(key__startswith="start-milestone:").count() == 2
