"""A kind of email-confirmed action, told to the shared flow: its model, its words, its rules.

Each domain app describes its kinds (petitions: a signature; letters: an organisation's
or a person's sign-on) as a ``Flow`` subclass and registers one instance from its
AppConfig.ready(). The service, the confirmation page and the emails are the same for
all of them; only what a flow answers differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Model
from django.urls import reverse

from clarion.confirmations.models import Confirmable


@dataclass(frozen=True)
class Wording:
    """Everything the page and the emails say that depends on the kind.

    Each text may use %(title)s (what is signed), %(name)s (who signs), %(site)s and
    %(hours)s (how long a link works). The emails are lists of paragraphs.
    """

    ready: Any
    already: Any
    see: Any
    closed_heading: Any
    closed: Any
    expired_link: Any
    invalid: Any
    home: Any
    confirmed: Any
    subject: Any
    before_link: tuple[Any, ...]
    after_link: tuple[Any, ...]
    already_subject: Any
    already_mail: tuple[Any, ...]
    # Shown on the ready page and in the email when a person must know more (an
    # organisation's sign-on waits for a moderator).
    note: Any = ""
    # When another request for the same thing was confirmed first (``Flow.taken``).
    taken_heading: Any = ""
    taken: Any = ""
    # The confirmation page's heading, button and "not you?" line, when "Confirm your
    # signature" is not what the person does (starting a petition).
    heading: Any = ""
    button: Any = ""
    ignore: Any = ""


class Flow:
    #: The registry key, and what the confirmation URL says when it names its kind.
    kind: ClassVar[str]
    model: ClassVar[type[Confirmable]]
    #: The foreign key to what is signed ("petition", "letter").
    parent: ClassVar[str]
    #: The fields of the unique constraint that says "this person did this already".
    conflict: ClassVar[tuple[str, ...]]
    #: Outbox keys: "<prefix>:<pk>:<token hash>" and "<already prefix>:<pk>:<hour>".
    key_prefix: ClassVar[str]
    already_key_prefix: ClassVar[str]
    wording: ClassVar[Wording]
    #: Whether "my data" (clarion.privacy) shows, exports and forgets this kind through
    #: ``personal_rows`` and ``forget``, under the heading ``my_data_heading``. Petition
    #: signatures and letter sign-ons are shown by privacy itself, in tables of their own.
    in_my_data: ClassVar[bool] = False
    my_data_heading: ClassVar[Any] = ""

    def personal_rows(self, item: Confirmable) -> list[tuple[str, str]]:
        """What is kept about the person in ``item``, as (label, value) in the active
        language, for their "my data" page and download."""
        raise NotImplementedError

    def forget(self, item: Confirmable) -> None:
        """Delete ``item``, or strip it of the person, when they delete their data."""
        raise NotImplementedError

    def subject_of(self, item: Confirmable) -> Model:
        return getattr(item, self.parent)

    def title(self, item: Confirmable) -> str:
        return str(self.subject_of(item))

    def signer(self, item: Confirmable) -> str:
        raise NotImplementedError

    def subject_url(self, item: Confirmable) -> str:
        return self.subject_of(item).get_absolute_url()

    def expired_url(self, item: Confirmable) -> str:
        """Where a person whose link ran out signs again."""
        return self.subject_url(item)

    def after_confirm_url(self, item: Confirmable) -> str:
        return self.subject_url(item)

    def home_url(self) -> str:
        return reverse("petitions:home")

    def is_open(self, item: Confirmable) -> bool:
        """Whether what is signed still takes confirmations."""
        raise NotImplementedError

    def confirm_path(self, token: str) -> str:
        raise NotImplementedError

    def confirmed_fields(self) -> dict[str, Any]:
        """Columns written together with ``confirmed_at`` by the one confirming UPDATE."""
        return {}

    def taken(self, item: Confirmable) -> bool:
        """Whether another request holds what ``item`` asks for, so it can't be confirmed."""
        return False

    def on_confirmed(self, item: Confirmable) -> None:
        """What confirming also does, beyond ``confirmed_fields``, in the confirming
        transaction: it commits or rolls back with the confirmation (a started petition
        becomes a petition; a signature's source tag becomes a tally)."""


_flows: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    if _flows.get(flow.kind, flow) is not flow and type(_flows[flow.kind]) is not type(flow):
        raise ValueError(f"two confirmation flows are called {flow.kind!r}")
    _flows[flow.kind] = flow
    return flow


def get(kind: str) -> Flow | None:
    return _flows.get(kind)


def every() -> list[Flow]:
    """Every registered flow, in the order the apps registered them."""
    return list(_flows.values())
