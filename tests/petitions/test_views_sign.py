from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition, Signature
from clarion.petitions.services import petition_close

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Ana Example",
    "email": "ana@example.org",
    "country": "GB",
    "postcode": "sw1a 1aa",
    "comment": "For my kids.",
    "show_name": "on",
}


def _sign_url(petition: Petition) -> str:
    return reverse("petitions:sign", args=[petition.slug])


def test_it_takes_a_signature_and_asks_to_check_email(client, petition):
    response = client.post(_sign_url(petition), VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:thanks", args=[petition.slug])
    page = client.get(response["Location"])
    assert "Check your email" in page.content.decode()
    signature = Signature.objects.get()
    assert signature.full_name == "Ana Example"
    assert signature.postcode == "SW1A 1AA"
    assert signature.show_name is True and signature.wants_updates is False
    assert signature.confirmed_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("full_name", "   ", "This field is required."),
        ("full_name", "12345", "Enter your name."),
        ("full_name", "x" * 121, "at most 120 characters"),
        ("full_name", "Ana\u200bExample", "invisible or control characters"),
        ("full_name", "Ana\x07", "invisible or control characters"),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "ana@", "Enter a valid email address."),
        ("email", "", "This field is required."),
        ("country", "", "This field is required."),
        ("country", "XX", "Select a valid choice."),
        ("postcode", "1" * 17, "at most 16 characters"),
        ("comment", "y" * 501, "at most 500 characters"),
        ("comment", "Mail me: ana@example.org", "leave email addresses out"),
    ],
)
def test_it_reshows_the_form_with_a_message_and_stores_nothing(
    client, petition, field, value, message
):
    data = {**VALID, field: value}
    response = client.post(_sign_url(petition), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()
    # What the signer typed in the other fields is kept.
    if field != "full_name":
        assert 'value="Ana Example"' in body


def test_it_escapes_markup_in_what_it_reshows(client, petition):
    response = client.post(
        _sign_url(petition), {**VALID, "full_name": "<script>alert(1)</script>", "email": "bad"}
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_it_accepts_names_in_any_script(client, petition):
    response = client.post(_sign_url(petition), {**VALID, "full_name": "Zoë Ōkubo-Nakamura 中村"})
    assert response.status_code == 302
    assert Signature.objects.get().full_name == "Zoë Ōkubo-Nakamura 中村"


def test_signing_twice_looks_the_same_and_stores_one_signature(client, petition, sign):
    first = client.post(_sign_url(petition), VALID)
    second = client.post(_sign_url(petition), {**VALID, "email": "ANA@example.org"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1


def test_signing_again_after_confirming_does_not_reveal_it(client, petition, sign):
    sign(petition, "ana@example.org")
    response = client.post(_sign_url(petition), VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:thanks", args=[petition.slug])
    assert Signature.objects.count() == 1
    assert OutboxMessage.objects.filter(key__startswith="already-signed:").count() == 1


def test_a_closed_petition_refuses_signatures(client, petition):
    petition_close(petition)
    response = client.post(_sign_url(petition), VALID)
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_closed_petition_shows_no_form(client, petition):
    petition_close(petition)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert 'name="full_name"' not in body
    assert "no longer takes signatures" in body


def test_a_draft_cannot_be_signed(client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    assert client.post(_sign_url(draft), VALID).status_code == 404
    assert not Signature.objects.exists()


def test_it_refuses_a_get(client, petition):
    assert client.get(_sign_url(petition)).status_code == 405


def test_it_needs_the_form_token(petition):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(_sign_url(petition), VALID)
    assert response.status_code == 400
    assert "This form was open too long" in response.content.decode()
    assert not Signature.objects.exists()


def test_it_works_with_the_form_token_from_the_page(petition):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(petition.get_absolute_url())
    # From the HTML, as a browser sends it; the page is the same for every visitor.
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())[1]
    response = strict.post(_sign_url(petition), {**VALID, "form_token": token})
    assert response.status_code == 302


def test_unknown_petition_is_a_404(client):
    assert client.post("/p/no-such-petition/sign/", VALID).status_code == 404


def test_the_form_says_when_a_comment_shows_and_the_page_agrees(client, petition, sign):
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "optional, public" not in body
    label = body.split('for="id_comment"')[1].split("</textarea>")[0]
    assert "Why are you signing? (optional)" in label
    assert "with your name if you tick" in label and "organisers read it" in label
    # The help is read out with the field, not only seen near it.
    assert 'aria-describedby="id_comment_helptext"' in label
    assert "Show my name and comment on the petition page" in body
    # What the form says is what the page does.
    sign(petition, "a@example.org", full_name="Ana Shown", show_name=True, comment="For all")
    sign(petition, "b@example.org", full_name="Bo Private", comment="Kept private")
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "For all" in page
    assert "Kept private" not in page and "Bo Private" not in page


def test_a_refused_form_opens_at_itself_with_the_focus_on_a_summary(client, petition):
    body = client.post(_sign_url(petition), {**VALID, "full_name": "", "email": "x"})
    html = body.content.decode()
    # The form posts to "…/sign/#sign-errors", so the answer opens at the summary, which
    # browsers focus as the fragment's target.
    assert f'action="{_sign_url(petition)}#sign-errors"' in html
    summary = re.search(r'<div class="form-errors error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary is not None
    tag = summary.group(0).split(">")[0]
    # Focusable by script but not in the tab order; focused as the page opens.
    for attribute in ('id="sign-errors"', 'role="alert"', 'tabindex="-1"', "autofocus"):
        assert attribute in tag
    links = re.findall(r'<a href="#(id_\w+)">([^<]*)</a>', summary.group(1))
    assert [target for target, _text in links] == ["id_full_name", "id_email"]
    assert "Full name: This field is required." in summary.group(1)
    # No inline script: the policy forbids it; site.js covers browsers that ignore autofocus.
    assert "<script>" not in html


def test_on_a_phone_the_count_and_form_come_before_the_charts_and_signatures(
    client, petition, sign
):
    sign(petition, "a@example.org", show_name=True, full_name="Ana Shown")
    html = client.get(petition.get_absolute_url()).content.decode()
    # A phone shows one column in source order (site.css), so the order is the source's.
    positions = [
        html.index(marker)
        for marker in ('class="goal"', 'id="count"', 'id="sign"', 'class="charts"', "Ana Shown")
    ]
    assert positions == sorted(positions)
