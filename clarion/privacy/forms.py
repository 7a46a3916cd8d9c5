"""The form that asks for a link to one's own data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clarion.core.addresses import normalise_email
from clarion.core.forms import clean_text


class MyDataForm(forms.Form):
    email = forms.EmailField(
        label=_("The email address you signed with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        email = clean_text(self.cleaned_data["email"])
        normalise_email(email)
        return email
