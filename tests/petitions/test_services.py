from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clarion.confirmations.services import ConfirmState, lookup
from clarion.confirmations.services import confirm as confirm_link
from clarion.core.addresses import normalise_email
from clarion.core.http import hash_ip
from clarion.core.models import OutboxMessage
from clarion.petitions.counts import recount_all
from clarion.petitions.models import Petition, Signature
from clarion.petitions.services import (
    SignatureError,
    SignatureInput,
    petition_close,
    petition_publish,
    signature_create,
    signatures_delete,
)
from tests.conftest import fold, issued_token, written

pytestmark = pytest.mark.django_db


def _input(email: str = "ana@example.org", **fields) -> SignatureInput:
    return SignatureInput(
        full_name=fields.pop("full_name", "Ana Example"), email=email, country="GB", **fields
    )


def test_it_normalises_case_and_international_domains():
    assert normalise_email("  Ana.Example@Example.ORG ") == "ana.example@example.org"
    assert normalise_email("josé@bücher.example") == "josé@xn--bcher-kva.example"


def test_it_rejects_an_address_without_a_domain():
    with pytest.raises(ValidationError):
        normalise_email("ana@")


def test_it_hashes_ips_with_a_key_and_never_stores_them(petition):
    signature = signature_create(petition=petition, data=_input(), ip="203.0.113.9")
    assert signature.ip_hash == hash_ip("203.0.113.9")
    assert "203.0.113.9" not in signature.ip_hash
    assert hash_ip("203.0.113.9") != hash_ip("203.0.113.10")


def test_it_creates_a_pending_signature_and_queues_a_confirmation(petition):
    signature = signature_create(petition=petition, data=_input())
    assert signature.confirmed_at is None
    message = written(OutboxMessage.objects.get(to="ana@example.org"))
    assert "/confirm/" in message.body
    assert petition.title in message.subject
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_it_counts_a_signature_only_once_confirmed(petition):
    signature = signature_create(petition=petition, data=_input())
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0
    result = confirm_link("signature", issued_token(signature))
    assert result.state is ConfirmState.CONFIRMED
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_confirms_once_when_the_link_is_used_twice(petition):
    signature = signature_create(petition=petition, data=_input())
    token = issued_token(signature)
    assert confirm_link("signature", token).state is ConfirmState.CONFIRMED
    assert confirm_link("signature", token).state is ConfirmState.ALREADY
    fold()
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_keeps_one_signature_per_normalised_email(petition, sign):
    sign(petition, "ana@example.org")
    again = signature_create(petition=petition, data=_input("ANA@Example.org "))
    assert Signature.objects.filter(petition=petition).count() == 1
    assert again.is_confirmed
    notice = written(OutboxMessage.objects.filter(key__startswith="already-signed:").get())
    assert "already signed" in notice.body


def test_it_sends_one_already_signed_notice_per_hour(petition, sign):
    sign(petition, "ana@example.org")
    for _ in range(3):
        signature_create(petition=petition, data=_input())
    assert OutboxMessage.objects.filter(key__startswith="already-signed:").count() == 1


def test_it_replaces_the_link_when_a_pending_signer_signs_again(petition, settings):
    settings.CLARION_CONFIRM_RESEND_MINUTES = 0  # the resend limit is tested in tests/security
    first = signature_create(petition=petition, data=_input())
    old_token = issued_token(first)
    signature_create(petition=petition, data=_input())
    new_token = issued_token(first)
    assert new_token != old_token
    assert lookup("signature", old_token).state is ConfirmState.INVALID
    assert confirm_link("signature", new_token).state is ConfirmState.CONFIRMED
    assert Signature.objects.count() == 1


def test_it_refuses_an_expired_link(petition):
    signature = signature_create(petition=petition, data=_input())
    Signature.objects.filter(pk=signature.pk).update(
        token_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert confirm_link("signature", issued_token(signature)).state is ConfirmState.EXPIRED
    signature.refresh_from_db()
    assert signature.confirmed_at is None


def test_it_refuses_nonsense_tokens(petition):
    assert confirm_link("signature", "not-a-token").state is ConfirmState.INVALID
    assert confirm_link("signature", "x" * 500).state is ConfirmState.INVALID


def test_it_refuses_signatures_on_a_closed_petition(petition):
    petition_close(petition)
    with pytest.raises(SignatureError):
        signature_create(petition=petition, data=_input())
    assert not Signature.objects.exists()


def test_it_refuses_to_confirm_after_the_petition_closed(petition):
    signature = signature_create(petition=petition, data=_input())
    petition_close(petition)
    assert confirm_link("signature", issued_token(signature)).state is ConfirmState.CLOSED
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_it_refuses_signatures_on_a_draft(make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    with pytest.raises(SignatureError):
        signature_create(petition=draft, data=_input())


def test_publish_sets_the_time_and_close_keeps_it(make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    petition_publish(draft)
    assert draft.status == Petition.Status.PUBLISHED and draft.published_at is not None
    published_at = draft.published_at
    petition_close(draft)
    draft.refresh_from_db()
    assert draft.status == Petition.Status.CLOSED
    assert draft.published_at == published_at and draft.closed_at is not None


def test_a_draft_cannot_be_closed(make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    with pytest.raises(ValidationError):
        petition_close(draft)


def test_deleting_signatures_corrects_the_count(petition, sign):
    sign(petition, "a@example.org")
    sign(petition, "b@example.org")
    signatures_delete(Signature.objects.filter(email="a@example.org"))
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_recount_repairs_drift(petition, sign):
    sign(petition, "a@example.org")
    Petition.objects.filter(pk=petition.pk).update(signature_count=40)
    assert recount_all() == 1
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert recount_all() == 0
