"""Starting a petition as a person does it through the site, for the campaigns and
organise tests."""

from __future__ import annotations

import re

from django.test import Client

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition
from tests.conftest import fold, written

CREATOR = "maria.creator@example.org"


def start_form(category, **overrides) -> dict:
    data = {
        "title": "Keep the night buses running in Leeds",
        "targets": "West Yorkshire Combined Authority\nLeeds City Council",
        "goal": "We ask the Combined Authority to keep every night bus route running.",
        "narrative": "Night workers, nurses and students rely on these buses to get home safely.",
        "demands": "Keep all night routes\nPublish the usage figures",
        "category": str(category.pk),
        "country": "GB",
        "content_language": "en",
        "related_url": "",
        "full_name": "María Creator",
        "email": CREATOR,
        "homepage": "",
    }
    data.update(overrides)
    return data


def mail_to(address: str, subject_part: str = "") -> OutboxMessage:
    mail = (written(m) for m in OutboxMessage.objects.filter(to__iexact=address).order_by("-id"))
    message = next((m for m in mail if subject_part in m.subject), None)
    assert message is not None, f"no email to {address} about {subject_part!r}"
    return message


def link_in(body: str, pattern: str) -> str:
    """The path of the first link in ``body`` matching ``pattern`` (a path regex)."""
    match = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert match, f"no link like {pattern} in: {body!r}"
    return match.group(1)


def start_and_confirm(client: Client, category, **overrides) -> Petition:
    """Send the start form and press the button behind the emailed link."""
    response = client.post("/start/", start_form(category, **overrides))
    assert response.status_code == 302, response.content[:2000]
    email = overrides.get("email", CREATOR)
    confirm = link_in(mail_to(email, "confirm").body, r"/start/confirm/[\w-]+/")
    response = client.post(confirm)
    assert response.status_code == 302, response.content[:2000]
    return Petition.objects.get(start__email_normalised=email.lower())


def support_path(petition: Petition) -> str:
    return link_in(mail_to(petition.start.email, "created").body, r"/start/support/[\w-]+/")


def gather_supporters(client: Client, petition: Petition, count: int, first: int = 0) -> None:
    """``count`` people (numbered from ``first``) sign through the private link and
    confirm; their confirmations are folded into the count, as the worker does."""
    path = support_path(petition)
    for n in range(first, first + count):
        address = f"supporter{n}@example.net"
        response = client.post(
            path + "sign/", {"full_name": f"Supporter {n}", "email": address, "country": "GB"}
        )
        assert response.status_code == 302, response.content[:2000]
        confirm = link_in(mail_to(address, "confirm").body, r"/confirm/[\w-]+/")
        assert client.post(confirm).status_code == 302
    fold()


def sign_in(client: Client, email: str = CREATOR) -> None:
    client.post("/organise/", {"email": email, "homepage": ""})
    path = link_in(mail_to(email, "Sign in").body, r"/organise/signin/[\w-]+/")
    assert client.post(path).status_code == 302
