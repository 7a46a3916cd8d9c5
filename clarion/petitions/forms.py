from __future__ import annotations

import copy
import functools
import re
import unicodedata

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from clarion.core.text import EMAIL_LIKE
from clarion.petitions.models import Signature
from clarion.petitions.services import SignatureInput, normalise_email

# Letters from any script are welcome in a name; invisible and control characters are not.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Something shaped like an HTML tag or comment. "I <3 rivers" is not one.
_MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")


def _clean_text(value: str, *, multiline: bool = False) -> str:
    allowed = {"\n"} if multiline else set()
    for char in value:
        if char not in allowed and unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            raise forms.ValidationError(_("Remove the invisible or control characters."))
        if char == "\ufffd":  # what undecodable bytes become
            raise forms.ValidationError(_("Remove the characters that could not be read."))
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


_COUNTRY_CHOICES: dict[str, list[tuple[str, str]]] = {}


def _country_choices() -> list[tuple[str, str]]:
    """Every country, named and sorted in the active language; built once per language.

    A callable, so the list follows the language of the request rather than the one
    active when this module was imported.
    """
    language = get_language() or "en"
    choices = _COUNTRY_CHOICES.get(language)
    if choices is None:
        choices = [("", str(_("Choose your country"))), *((c, str(n)) for c, n in countries)]
        _COUNTRY_CHOICES[language] = choices
    return choices


class _CountryField(LazyTypedChoiceField):
    """A country select whose list of countries is shared by every form instance.

    Django deep-copies each field for every form it builds; deep-copying some 250
    (code, name) pairs, which nobody changes, was a third of taking a signature.
    """

    def __deepcopy__(self, memo: dict) -> _CountryField:
        # What forms.Field.__deepcopy__ does, minus copying (and re-checking) the choices.
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result

    def valid_value(self, value: str) -> bool:
        # A set lookup instead of walking the whole list on every submission.
        return value in _country_codes()


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
    country = _CountryField(
        label=_("Country"),
        choices=_country_choices,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    comment = forms.CharField(
        label=_("Why are you signing? (optional, public)"),
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
    # The honeypot: hidden from people and screen readers (see _sign_fields.html), so
    # only a bot fills it in. Never an error: the signature is quietly held instead.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_full_name(self) -> str:
        name = _clean_text(self.cleaned_data["full_name"])
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter your name."))
        if "<" in name or ">" in name:
            raise forms.ValidationError(_("A name can't contain < or >."))
        return name

    def clean_postcode(self) -> str:
        return _clean_text(self.cleaned_data["postcode"]).upper()

    def clean_comment(self) -> str:
        comment = _clean_text(self.cleaned_data["comment"], multiline=True)
        if _MARKUP.search(comment):
            raise forms.ValidationError(_("Comments are plain text: remove the HTML tags."))
        if EMAIL_LIKE.search(comment):
            raise forms.ValidationError(
                _("Your comment is public: leave email addresses out of it.")
            )
        return comment

    def clean_email(self) -> str:
        email = _clean_text(self.cleaned_data["email"])
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
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search petitions"), max_length=200, required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def clean_q(self) -> str:
        return _clean_text(self.cleaned_data["q"])


class MyDataForm(forms.Form):
    email = forms.EmailField(
        label=_("The email address you signed with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        email = _clean_text(self.cleaned_data["email"])
        normalise_email(email)
        return email
