import pytest
from django.db import IntegrityError, transaction

from clarion.core.db import insert_or_skip
from clarion.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _message(key: str, to: str = "ana@example.org") -> OutboxMessage:
    return OutboxMessage(key=key, to=to, subject="Hello", body="Hi.")


def test_it_writes_a_new_row_with_its_defaults_and_sets_the_pk():
    message = _message("a")

    assert insert_or_skip(message, conflict=("key",)) is True

    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.key, stored.to, stored.status, stored.attempts) == (
        "a",
        "ana@example.org",
        "pending",
        0,
    )
    assert stored.next_attempt_at is not None


def test_it_skips_a_row_whose_unique_fields_exist_and_keeps_the_first():
    insert_or_skip(_message("a"), conflict=("key",))
    second = _message("a", to="someone@example.org")

    assert insert_or_skip(second, conflict=("key",)) is False

    assert second.pk is None
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["ana@example.org"]


def test_it_still_raises_on_other_constraint_violations():
    message = _message("b")
    message.to = None  # NOT NULL

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_or_skip(message, conflict=("key",))
    assert not OutboxMessage.objects.exists()
