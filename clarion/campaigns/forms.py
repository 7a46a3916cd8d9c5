"""The public "start a petition" form, and the text form its organiser edits later."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clarion.campaigns import models as limits
from clarion.campaigns.services import StartInput, TextInput
from clarion.core.addresses import normalise_email
from clarion.core.forms import MARKUP, clean_text
from clarion.core.text import EMAIL_LIKE
from clarion.petitions.models import GOAL_MAX_LENGTH
from clarion.taxonomy.forms import CountryChoiceField, country_choices
from clarion.taxonomy.models import CONTENT_LANGUAGES, Category


def public_text(value: str, *, multiline: bool = False) -> str:
    """Text that will be shown to everyone: no markup, no email addresses."""
    text = clean_text(value, multiline=multiline)
    if MARKUP.search(text):
        raise forms.ValidationError(_("Plain text only: remove the HTML tags."))
    if EMAIL_LIKE.search(text):
        raise forms.ValidationError(_("This text is public: leave email addresses out of it."))
    return text


def lines(value: str, *, most: int, longest: int, too_many: str) -> list[str]:
    """One item per line, each public text, at most ``most`` of at most ``longest``.

    ``too_many`` is the message for more than ``most``, with %(most)s in it.
    """
    items = [line.strip() for line in public_text(value, multiline=True).splitlines()]
    items = [item for item in items if item]
    if len(items) > most:
        raise forms.ValidationError(str(too_many) % {"most": most})
    for item in items:
        if len(item) > longest:
            raise forms.ValidationError(
                _("Each line may be at most %(longest)s characters; one has %(length)s.")
                % {"longest": longest, "length": len(item)}
            )
    return items


class HoneypotMixin(forms.Form):
    # Hidden from people and screen readers (petitions/_sign_fields.html); only bots
    # fill it in. Never an error: what they send is quietly dropped.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def honeypot(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))


class PetitionTextForm(HoneypotMixin):
    """The petition's own words: what the start form asks, and what a correction changes."""

    title = forms.CharField(
        label=_("Title"),
        max_length=limits.TITLE_MAX_LENGTH,
        help_text=_("Say what you want in a few words, e.g. “Keep the night buses running”."),
    )
    goal = forms.CharField(
        label=_("What do you want?"),
        max_length=GOAL_MAX_LENGTH,
        help_text=_("One short paragraph: what you ask, and of whom."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    narrative = forms.CharField(
        label=_("Why?"),
        max_length=limits.NARRATIVE_MAX_LENGTH,
        help_text=_(
            "Why this matters, in your own words. Blank lines separate paragraphs; lines "
            "starting with - make a list."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    demands = forms.CharField(
        label=_("Key demands (optional)"),
        required=False,
        max_length=limits.MAX_DEMANDS * (limits.DEMAND_MAX_LENGTH + 1),
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_title(self) -> str:
        title = public_text(self.cleaned_data["title"])
        if sum(ch.isalpha() for ch in title) < 3:
            raise forms.ValidationError(_("Give your petition a title in words."))
        return title

    def clean_goal(self) -> str:
        return public_text(self.cleaned_data["goal"], multiline=True)

    def clean_narrative(self) -> str:
        narrative = public_text(self.cleaned_data["narrative"], multiline=True)
        if len(narrative) < 30:
            raise forms.ValidationError(
                _("Tell people a little more about why: at least 30 characters.")
            )
        return narrative

    def clean_demands(self) -> list[str]:
        return lines(
            self.cleaned_data["demands"],
            most=limits.MAX_DEMANDS,
            longest=limits.DEMAND_MAX_LENGTH,
            too_many=_("At most %(most)s demands, one per line."),
        )


class StartForm(PetitionTextForm):
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("Only the moderators see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("To confirm the petition and run it. Never shown or shared."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    targets = forms.CharField(
        label=_("Who can make it happen?"),
        max_length=limits.MAX_TARGETS * (limits.TARGET_MAX_LENGTH + 1),
        help_text=_("The person, office or body the petition is addressed to; one per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("name"),
        empty_label=_("Choose a category"),
    )
    country = CountryChoiceField(
        label=_("Country"),
        choices=country_choices,
        help_text=_("Where it happens."),
    )
    content_language = forms.ChoiceField(
        label=_("Language of the petition"), choices=CONTENT_LANGUAGES
    )
    related_url = forms.URLField(
        label=_("News article it answers (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Its address, e.g. https://news.example.org/2026/… We read its headline."),
    )

    field_order = [
        "title",
        "targets",
        "goal",
        "narrative",
        "demands",
        "category",
        "country",
        "content_language",
        "related_url",
        "full_name",
        "email",
        "homepage",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content_language"].initial = (get_language() or "en").split("-")[0]

    def clean_full_name(self) -> str:
        name = clean_text(self.cleaned_data["full_name"])
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter your name."))
        if "<" in name or ">" in name:
            raise forms.ValidationError(_("A name can't contain < or >."))
        return name

    def clean_email(self) -> str:
        email = clean_text(self.cleaned_data["email"])
        normalise_email(email)  # refuses an unusable domain, with a message
        return email

    def clean_targets(self) -> list[str]:
        targets = lines(
            self.cleaned_data["targets"],
            most=limits.MAX_TARGETS,
            longest=limits.TARGET_MAX_LENGTH,
            too_many=_("At most %(most)s targets, one per line."),
        )
        if not targets:
            raise forms.ValidationError(_("Name who can make it happen."))
        return targets

    def clean_related_url(self) -> str:
        url = clean_text(self.cleaned_data["related_url"])
        if url and not url.startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter the full address of the article."))
        return url

    def to_input(self) -> StartInput:
        data = self.cleaned_data
        return StartInput(
            full_name=data["full_name"],
            email=data["email"],
            title=data["title"],
            goal=data["goal"],
            narrative=data["narrative"],
            demands=data["demands"],
            targets=data["targets"],
            category=data["category"],
            country=data["country"],
            content_language=data["content_language"],
            related_url=data["related_url"],
            honeypot=self.honeypot,
        )


class TextForm(PetitionTextForm):
    """The organiser changes the words: directly before moderation, as a correction after."""

    note = forms.CharField(
        label=_("What changed, and why (for the moderators)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"], multiline=True)

    def to_input(self) -> TextInput:
        data = self.cleaned_data
        return TextInput(
            title=data["title"],
            goal=data["goal"],
            narrative=data["narrative"],
            demands=data["demands"],
            note=data["note"],
        )


class EmailForm(HoneypotMixin):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The address you started your petition with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        email = clean_text(self.cleaned_data["email"])
        normalise_email(email)
        return email
