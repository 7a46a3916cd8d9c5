"""Starting a petition, as the shared confirmation flow sees it: the creator confirms
their address, and confirming creates the petition (``services.start_confirmed``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from clarion.campaigns.models import PetitionStart
from clarion.confirmations.flows import Flow, Wording, register


class PetitionStartFlow(Flow):
    kind = "petition-start"
    model = PetitionStart
    parent = "petition"  # empty until confirmed; every method below copes with that
    conflict = ("email_normalised", "title_key")
    key_prefix = "start-confirm"
    already_key_prefix = "start-already"
    wording = Wording(
        heading=_("Confirm your petition"),
        button=_("Confirm and create my petition"),
        ignore=_("Did not start this petition? Ignore this page and nothing will happen."),
        ready=_("You are about to start the petition “%(title)s” as %(name)s."),
        note=_(
            "Once you confirm, you get a private link to share: when enough supporters "
            "have signed through it, a moderator checks the petition before it is published."
        ),
        already=_("This link has been used already: your petition exists."),
        see=_("See your petition"),
        closed_heading=_("This petition can't be started"),
        closed=_("It can no longer be confirmed."),
        expired_link=_("Start it again"),
        invalid=_(
            "It may be incomplete, or a newer email may have replaced it: use the link in "
            "the latest email we sent you, or start the petition again."
        ),
        home=_("Go to the home page"),
        confirmed=_(
            "Your petition is created. Share the link below: it is published once enough "
            "supporters have signed and a moderator has checked it."
        ),
        subject=_("Please confirm your new petition: %(title)s"),
        before_link=(
            _("Hello %(name)s,"),
            _("You started the petition “%(title)s” on %(site)s."),
            _(
                "It is created once you confirm this address. Open this link and press the "
                "“Confirm and create my petition” button:"
            ),
        ),
        after_link=(
            _("If you did not start this petition, ignore this email: nothing will be created."),
        ),
        already_subject=_("Your petition exists already: %(title)s"),
        already_mail=(
            _("Hello %(name)s,"),
            _(
                "Someone, probably you, sent the form to start “%(title)s” again with this "
                "email address. That petition exists already: there is nothing more to do."
            ),
            _(
                "You run it from your organiser page on %(site)s: “Run your petition”, at "
                "the foot of every page."
            ),
        ),
    )

    in_my_data = True
    my_data_heading = _("Petitions you started")

    def title(self, item: PetitionStart) -> str:
        return item.title

    def personal_rows(self, item: PetitionStart) -> list[tuple[str, str]]:
        petition = item.petition
        status = _("not confirmed") if petition is None else petition.get_status_display()
        started = date_format(localtime(item.created_at), "SHORT_DATETIME_FORMAT")
        return [
            (str(_("Petition")), item.title),
            (str(_("Name")), item.full_name),
            (str(_("Email")), item.email),
            (str(_("Started")), started),
            (str(_("Status")), str(status)),
        ]

    def forget(self, item: PetitionStart) -> None:
        from clarion.campaigns.services import start_forget

        start_forget(item)

    def signer(self, item: PetitionStart) -> str:
        return item.full_name

    def subject_url(self, item: PetitionStart) -> str:
        if item.petition_id is None:
            return reverse("campaigns:start")
        if item.petition.is_public:
            return item.petition.get_absolute_url()
        return reverse("organise:home")

    def expired_url(self, item: PetitionStart) -> str:
        return reverse("campaigns:start")

    def after_confirm_url(self, item: PetitionStart) -> str:
        return reverse("campaigns:support", args=[item.sponsor_token]) + "#share"

    def is_open(self, item: PetitionStart) -> bool:
        return True

    def confirm_path(self, token: str) -> str:
        return reverse("campaigns:confirm", args=[token])

    def on_confirmed(self, item: PetitionStart) -> None:
        from clarion.campaigns.services import start_confirmed

        start_confirmed(item)


PETITION_START = register(PetitionStartFlow())
