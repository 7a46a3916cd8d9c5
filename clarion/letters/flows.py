"""Letter sign-ons, as the shared confirmation flow sees them: an organisation's
(moderated after it is confirmed) and a person's (shown once confirmed)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clarion.confirmations.flows import Flow, Wording, register
from clarion.letters.models import IndividualSignature, OrganisationSignature, SignOnStatus

# The statuses in which an organisation's sign-on holds its name on a letter.
HOLDING = (SignOnStatus.CONFIRMED, SignOnStatus.APPROVED)


def name_holder(letter_id: int, name_normalised: str) -> int | None:
    """The sign-on that holds this organisation name on the letter, if one does."""
    return (
        OrganisationSignature.objects.filter(
            letter_id=letter_id, name_normalised=name_normalised, status__in=HOLDING
        )
        .values_list("pk", flat=True)
        .first()
    )


_SHARED = {
    "already": _("This link has been used already: the signature is confirmed."),
    "see": _("See the letter"),
    "closed_heading": _("This letter has closed"),
    "closed": _("The letter stopped taking signatures before this one was confirmed."),
    "expired_link": _("Back to the letter"),
    "invalid": _(
        "It may be incomplete, or a newer email may have replaced it: use the link in the "
        "latest email we sent you."
    ),
    "home": _("See the letters"),
    "subject": _("Please confirm your signature on the letter: %(title)s"),
    "after_link": (
        _(
            "If you did not ask for this, ignore this email: nothing is signed unless the "
            "button is pressed."
        ),
    ),
    "already_subject": _("You have already signed the letter: %(title)s"),
    "already_mail": (
        _("Hello,"),
        _(
            "The form to sign the open letter “%(title)s” on %(site)s was sent again for "
            "%(name)s with this address. That signature is already confirmed: there is "
            "nothing more to do."
        ),
        _("If you did not send the form, you can ignore this email."),
    ),
}


class _SignOnFlow(Flow):
    parent = "letter"

    def title(self, item) -> str:
        return item.letter.title

    def after_confirm_url(self, item) -> str:
        return item.letter.get_absolute_url() + "#signatories"

    def home_url(self) -> str:
        return reverse("letters:index")

    def is_open(self, item) -> bool:
        return item.letter.takes_signatures

    def confirm_path(self, token: str) -> str:
        return reverse("letters:confirm", args=[self.kind, token])

    def confirmed_fields(self) -> dict[str, str]:
        # An organisation's sign-on then waits for a moderator; a person's shows at once.
        return {"status": SignOnStatus.CONFIRMED}


class OrganisationFlow(_SignOnFlow):
    kind = "org"
    model = OrganisationSignature
    conflict = ("letter", "name_normalised", "email_normalised")
    key_prefix = "letter-confirm:org"
    already_key_prefix = "letter-already:org"
    wording = Wording(
        ready=_("You are about to sign the letter “%(title)s” on behalf of %(name)s."),
        note=_(
            "After you confirm, a moderator checks the sign-on before the organisation's "
            "name appears on the letter."
        ),
        confirmed=_(
            "Thank you: your organisation's signature is confirmed. It will appear on the "
            "letter once a moderator has approved it."
        ),
        before_link=(
            _("Hello,"),
            _(
                "Someone asked to add %(name)s to the signatories of the open letter "
                "“%(title)s” on %(site)s, and gave this address as the organisation's contact."
            ),
            _("To confirm, open this link and press the button on the page:"),
        ),
        taken_heading=_("This organisation has already signed"),
        taken=_(
            "Another request to sign this letter in the name of %(name)s was confirmed "
            "first. If that was not your organisation, please write to the site's moderators."
        ),
        **_SHARED,
    )

    def signer(self, item: OrganisationSignature) -> str:
        return item.name

    def taken(self, item: OrganisationSignature) -> bool:
        # Competing requests in one organisation's name: the first confirmed wins.
        return name_holder(item.letter_id, item.name_normalised) not in (None, item.pk)


class IndividualFlow(_SignOnFlow):
    kind = "person"
    model = IndividualSignature
    conflict = ("letter", "email_normalised")
    key_prefix = "letter-confirm:person"
    already_key_prefix = "letter-already:person"
    wording = Wording(
        ready=_("You are about to sign the letter “%(title)s” as %(name)s."),
        confirmed=_("Your signature is confirmed. Thank you for signing."),
        before_link=(
            _("Hello %(name)s,"),
            _("Thank you for signing the open letter “%(title)s” on %(site)s."),
            _("To confirm your signature, open this link and press the button on the page:"),
        ),
        **_SHARED,
    )

    def signer(self, item: IndividualSignature) -> str:
        return item.full_name


ORGANISATION = register(OrganisationFlow())
INDIVIDUAL = register(IndividualFlow())
