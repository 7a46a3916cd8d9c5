"""A petition signature, as the shared confirmation flow sees it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clarion.confirmations.flows import Flow, Wording, register
from clarion.petitions.models import Signature
from clarion.petitions.sources import tally_confirmed


class SignatureFlow(Flow):
    kind = "signature"
    model = Signature
    parent = "petition"
    conflict = ("petition", "email_normalised")
    key_prefix = "confirm"
    already_key_prefix = "already-signed"
    wording = Wording(
        ready=_("You are about to sign “%(title)s” as %(name)s."),
        already=_("This link has been used already: your signature is confirmed and counted."),
        see=_("See the petition"),
        closed_heading=_("This petition has closed"),
        closed=_("The petition stopped taking signatures before this one was confirmed."),
        expired_link=_("Sign again"),
        invalid=_(
            "It may be incomplete, or a newer email may have replaced it: use the link in the "
            "latest email we sent you, or sign the petition again."
        ),
        home=_("Go to the home page"),
        confirmed=_("Your signature is confirmed. Thank you for signing."),
        subject=_("Please confirm your signature: %(title)s"),
        before_link=(
            _("Hello %(name)s,"),
            _("Thank you for signing “%(title)s”."),
            _(
                "Your signature counts once you confirm it. Open this link and press the "
                "“Confirm my signature” button:"
            ),
        ),
        after_link=(
            _("If you did not sign, ignore this email: nothing will be counted in your name."),
        ),
        already_subject=_("You have already signed: %(title)s"),
        already_mail=(
            _("Hello %(name)s,"),
            _("Someone, probably you, tried to sign “%(title)s” again with this email address."),
            _(
                "You have already signed this petition, and your signature is counted once. "
                "There is nothing more to do."
            ),
            _("If that was not you, you can ignore this email."),
        ),
    )

    def title(self, item: Signature) -> str:
        return item.petition.shown.title

    def signer(self, item: Signature) -> str:
        return item.full_name

    def expired_url(self, item: Signature) -> str:
        return item.petition.get_absolute_url() + "#sign"

    def after_confirm_url(self, item: Signature) -> str:
        # An address no cache has seen (a browser or CDN may hold the petition page for
        # a minute): the page is rendered for this signer, with a count that includes
        # them (petitions.views.detail).
        return item.petition.get_absolute_url() + "?confirmed=1#count"

    def is_open(self, item: Signature) -> bool:
        return item.petition.can_be_signed

    def confirm_path(self, token: str) -> str:
        return reverse("petitions:confirm", args=[token])

    def confirmed_fields(self) -> dict[str, bool]:
        # Only the signature is written, marked for counting: the worker folds it into
        # the petition's count within about a second (see petitions.counts), so
        # confirmations never queue on the petition row.
        return {"count_pending": True}

    def on_confirmed(self, item: Signature) -> None:
        # The link's ?source= tag becomes a tally; the signature keeps nothing of it.
        tally_confirmed(item)


SIGNATURE = register(SignatureFlow())
