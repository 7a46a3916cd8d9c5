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


def _stored(model, pk) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    row.pop("id")
    return row


def test_it_writes_every_kind_of_field_as_djangos_own_save_does(petition):
    from clarion.petitions.models import Signature

    when = OutboxMessage._meta.get_field("created_at").default()
    fields = {
        "to": "ana@example.org",
        "subject": "Hello",
        "body": "Hi.",
        "headers": {"List-Unsubscribe": "<https://example.org/u/>"},
        "attachment_name": "a.pdf",
        "attachment_type": "application/pdf",
        "attachment": b"%PDF",
        "capped": True,
        "created_at": when,
        "next_attempt_at": when,
        "composer_args": {"n": 1},
    }
    ours = OutboxMessage(key="ours", **fields)
    insert_or_skip(ours, conflict=("key",))
    theirs = OutboxMessage.objects.create(key="theirs", **fields)
    assert {**_stored(OutboxMessage, ours.pk), "key": ""} == {
        **_stored(OutboxMessage, theirs.pk),
        "key": "",
    }

    signer = {
        "petition": petition,
        "full_name": "Ana",
        "country": "GB",
        "show_name": True,
        "token_expires_at": when,
    }
    mine = Signature(
        email="a@example.org", email_normalised="a@example.org", token_hash="a", **signer
    )
    insert_or_skip(mine, conflict=("petition", "email_normalised"))
    other = Signature.objects.create(
        email="b@example.org", email_normalised="b@example.org", **signer
    )
    a, b = _stored(Signature, mine.pk), _stored(Signature, other.pk)
    for row in (a, b):
        for varying in ("email", "email_normalised", "created_at", "token_hash"):
            row.pop(varying)
    assert a == b
