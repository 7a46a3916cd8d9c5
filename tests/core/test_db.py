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


# --- indexes that only cost writes ---------------------------------------------------


def _indexes(table: str) -> dict[str, list[str]]:
    """Every plain (non-unique) index of ``table``: name -> columns."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: about["columns"]
        for name, about in found.items()
        if about["index"] and not about["unique"] and not about["primary_key"]
    }


def _spare() -> set[str]:
    """The indexes migrations petitions 0022 and core 0006 drop, as found now."""
    signature, outbox = _indexes("petitions_signature"), _indexes("core_outboxmessage")
    declared = {"signature_count_pending"}  # partial: only confirmations awaiting the fold
    return (
        {n for n, cols in signature.items() if cols == ["petition_id"] and n not in declared}
        | {n for n, cols in outbox.items() if cols == ["status"]}
        | {n for n in (*signature, *outbox) if n.endswith("_like")}
    )


@pytest.mark.django_db(transaction=True)
def test_signing_writes_no_index_that_a_wider_one_covers():
    from django.core.management import call_command
    from django.db import connection

    assert _spare() == set()
    try:
        call_command("migrate", "petitions", "0021", verbosity=0)
        call_command("migrate", "core", "0005", verbosity=0)
        restored = _spare()
    finally:
        call_command("migrate", verbosity=0)
    assert {"signature_petition", "outbox_status"} <= restored
    assert _spare() == set()
    # What covers them is still there: one signature per email, the count's index, the
    # partial index of the fold, and the outbox's queue of due messages.
    signature = _indexes("petitions_signature")
    assert signature["signature_petition_counted"] == ["petition_id", "held", "confirmed_at"]
    assert signature["signature_count_pending"] == ["petition_id"]
    assert _indexes("core_outboxmessage")["outbox_due"] == ["status", "next_attempt_at"]
    if connection.vendor == "sqlite":
        # A petition's signatures are still found through an index, not a scan.
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM petitions_signature WHERE petition_id = 1"
            )
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING" in plan and "INDEX" in plan, plan
