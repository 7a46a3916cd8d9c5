"""Public forms: an organisation endorses a letter; a person adds their name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clarion.core.addresses import normalise_email
from clarion.core.forms import clean_text
from clarion.letters.models import IndividualSignature, OrganisationSignature
from clarion.letters.services import IndividualInput, OrganisationInput, normalise_org_name
from clarion.taxonomy.forms import CountryChoiceField, country_choices


def _public_text(value: str, what: str) -> str:
    text = clean_text(value)
    if "<" in text or ">" in text:
        raise forms.ValidationError(_("%(what)s can't contain < or >.") % {"what": what})
    return text


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class _SignOnForm(forms.Form):
    """What both sign-on forms ask alike: an optional country, and a usable address."""

    country = CountryChoiceField(
        label=_("Country"),
        choices=country_choices,
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )

    def clean_email(self) -> str:
        email = clean_text(self.cleaned_data["email"])
        normalise_email(email)  # refuses an unusable domain
        return email


class OrganisationSignOnForm(_SignOnForm):
    field_order = [
        "name",
        "acronym",
        "name_other_language",
        "country",
        "website",
        "contact_name",
        "email",
        "authorised",
    ]
    name = forms.CharField(
        label=_("Organisation name"),
        max_length=_max(OrganisationSignature, "name"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    acronym = forms.CharField(
        label=_("Acronym (optional)"),
        max_length=_max(OrganisationSignature, "acronym"),
        required=False,
    )
    name_other_language = forms.CharField(
        label=_("Name in the other language (optional)"),
        help_text=_("For example the Spanish name of an organisation known by an English one."),
        max_length=_max(OrganisationSignature, "name_other_language"),
        required=False,
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        max_length=_max(OrganisationSignature, "website"),
        required=False,
        assume_scheme="https",
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        help_text=_("Private: seen only by the moderators."),
        max_length=_max(OrganisationSignature, "contact_name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Contact email"),
        help_text=_("Private: we send the confirmation link here. Never shown or shared."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    authorised = forms.BooleanField(
        label=_("I am authorised to sign this letter on behalf of the organisation."),
    )

    def clean_name(self) -> str:
        name = _public_text(self.cleaned_data["name"], _("A name"))
        if not normalise_org_name(name):
            raise forms.ValidationError(_("Enter the organisation's name."))
        return name

    def clean_acronym(self) -> str:
        return _public_text(self.cleaned_data["acronym"], _("An acronym"))

    def clean_name_other_language(self) -> str:
        return _public_text(self.cleaned_data["name_other_language"], _("A name"))

    def clean_contact_name(self) -> str:
        name = clean_text(self.cleaned_data["contact_name"])
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter the contact person's name."))
        return name

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        if website and not website.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter a web address starting with https://."))
        return website

    def to_input(self) -> OrganisationInput:
        data = self.cleaned_data
        return OrganisationInput(
            name=data["name"],
            acronym=data["acronym"],
            name_other_language=data["name_other_language"],
            country=data["country"] or "",
            website=data["website"],
            contact_name=data["contact_name"],
            email=data["email"],
        )


class IndividualSignOnForm(_SignOnForm):
    field_order = ["full_name", "affiliation", "country", "email"]
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=_max(IndividualSignature, "full_name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    affiliation = forms.CharField(
        label=_("Affiliation (optional, public)"),
        max_length=_max(IndividualSignature, "affiliation"),
        required=False,
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Only to confirm your signature. Never shown or shared."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_full_name(self) -> str:
        name = _public_text(self.cleaned_data["full_name"], _("A name"))
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter your name."))
        return name

    def clean_affiliation(self) -> str:
        return _public_text(self.cleaned_data["affiliation"], _("An affiliation"))

    def to_input(self) -> IndividualInput:
        data = self.cleaned_data
        return IndividualInput(
            full_name=data["full_name"],
            affiliation=data["affiliation"],
            country=data["country"] or "",
            email=data["email"],
        )
