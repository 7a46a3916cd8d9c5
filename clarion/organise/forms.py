"""The dashboard's forms: each has its limits and the honeypot every public form has."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clarion.campaigns.forms import HoneypotMixin, public_text
from clarion.core.forms import clean_text

UPDATE_TITLE_MAX = 200
UPDATE_BODY_MAX = 10_000


class UpdateForm(HoneypotMixin):
    title = forms.CharField(label=_("Title"), max_length=UPDATE_TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=UPDATE_BODY_MAX,
        help_text=_("Shown on the petition's page. Blank lines separate paragraphs."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    email_signers = forms.BooleanField(
        label=_("Also email it to the signers who asked for updates"),
        required=False,
        initial=True,
    )

    def clean_title(self) -> str:
        return public_text(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return public_text(self.cleaned_data["body"], multiline=True)


class DeliveryForm(HoneypotMixin):
    note = forms.CharField(
        label=_("Message to the staff (optional)"),
        required=False,
        max_length=2000,
        help_text=_("Who should get it, and anything they should know."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"], multiline=True)


class CloseForm(HoneypotMixin):
    confirm = forms.BooleanField(
        label=_("Yes, close it now: nobody can sign it after this"), required=True
    )


class TagForm(forms.Form):
    """A ?source= tag to make a tracked link with (a GET form; nothing is stored)."""

    tag = forms.RegexField(
        label=_("Name of the place you will share it"),
        regex=r"^[a-z0-9][a-z0-9_-]{0,31}$",
        max_length=32,
        error_messages={
            "invalid": _("Use up to 32 lower-case letters, digits, - or _, e.g. newsletter.")
        },
    )
