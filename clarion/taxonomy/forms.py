"""The country select every public form uses."""

from __future__ import annotations

import copy
import functools

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField


@functools.cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


_CHOICES_BY_LANGUAGE: dict[str, list[tuple[str, str]]] = {}


def country_choices() -> list[tuple[str, str]]:
    """Every country, named and sorted in the active language; built once per language.

    A callable, so the list follows the language of the request rather than the one
    active when this module was imported.
    """
    language = get_language() or "en"
    choices = _CHOICES_BY_LANGUAGE.get(language)
    if choices is None:
        choices = [("", str(_("Choose your country"))), *((c, str(n)) for c, n in countries)]
        _CHOICES_BY_LANGUAGE[language] = choices
    return choices


class CountryChoiceField(LazyTypedChoiceField):
    """A country select whose list of countries is shared by every form instance.

    Django deep-copies each field for every form it builds; deep-copying some 250
    (code, name) pairs, which nobody changes, was a third of taking a signature.
    """

    def __deepcopy__(self, memo: dict) -> CountryChoiceField:
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
        return value in country_codes()
