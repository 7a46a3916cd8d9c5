from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clarion.core.addresses import normalise_email
from clarion.core.forms import MARKUP, clean_text
from clarion.core.text import EMAIL_LIKE
from clarion.petitions.models import Signature
from clarion.petitions.services import SignatureInput
from clarion.petitions.sources import clean_source
from clarion.taxonomy.forms import CountryChoiceField, country_choices


def sign_token_scope(petition) -> str:
    """What a petition's sign form token names, on its page and in its embedded widget
    alike (clarion.core.formtoken): a token is good for this petition only."""
    return f"petition:{petition.slug}"


class SignForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=Signature._meta.get_field("full_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Only to confirm your signature. Never shown or shared."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryChoiceField(
        label=_("Country"),
        choices=country_choices,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    # Shown on the page beside the signer's name only, as the privacy page says, so the
    # form says when it will show rather than calling it "public" and then not showing
    # it for a signer who keeps their name private.
    comment = forms.CharField(
        label=_("Why are you signing? (optional)"),
        help_text=_(
            "Shown on the petition page with your name if you tick “Show my name and "
            "comment” below; otherwise only the petition's organisers read it."
        ),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_name = forms.BooleanField(
        label=_("Show my name and comment on the petition page"), required=False
    )
    wants_updates = forms.BooleanField(
        label=_("Email me updates about this petition"), required=False
    )
    contact_by_organiser = forms.BooleanField(
        label=_("Let the organisers of this petition email me (they see my name and email)"),
        required=False,
    )
    # The ?source= tag of the link the signer came by (petitions.sources): put in by
    # site.js from the page's address, since the cached page is the same for every link.
    # Never an error: a tag that is not one is dropped (see sources.clean_source).
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people and screen readers (see _sign_fields.html), so
    # only a bot fills it in. Never an error: the signature is quietly held instead.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_full_name(self) -> str:
        name = clean_text(self.cleaned_data["full_name"])
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter your name."))
        if "<" in name or ">" in name:
            raise forms.ValidationError(_("A name can't contain < or >."))
        return name

    def clean_postcode(self) -> str:
        return clean_text(self.cleaned_data["postcode"]).upper()

    def clean_comment(self) -> str:
        comment = clean_text(self.cleaned_data["comment"], multiline=True)
        if MARKUP.search(comment):
            raise forms.ValidationError(_("Comments are plain text: remove the HTML tags."))
        if EMAIL_LIKE.search(comment):
            raise forms.ValidationError(
                _("Your comment is public: leave email addresses out of it.")
            )
        return comment

    def clean_email(self) -> str:
        email = clean_text(self.cleaned_data["email"])
        normalise_email(email)  # raises a ValidationError for an unusable domain
        return email

    def to_input(self) -> SignatureInput:
        data = self.cleaned_data
        return SignatureInput(
            full_name=data["full_name"],
            email=data["email"],
            country=data["country"],
            postcode=data["postcode"],
            comment=data["comment"],
            show_name=data["show_name"],
            wants_updates=data["wants_updates"],
            honeypot=bool(data.get("homepage")),
            contact_by_organiser=data["contact_by_organiser"],
            source=clean_source(data.get("source")),
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search petitions"), max_length=200, required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data["q"])
