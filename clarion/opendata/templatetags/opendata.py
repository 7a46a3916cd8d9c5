"""Template tags for open data: absolute links on the public base URL."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from clarion.core.tokens import absolute

register = template.Library()


@register.simple_tag
def absolute_url(path: str) -> str:
    """``path`` on CLARION_BASE_URL: what Open Graph, feeds and oEmbed need."""
    return absolute(path)


@register.simple_tag
def oembed_url(path: str) -> str:
    """The oEmbed discovery address for the page at ``path``."""
    query = urlencode({"url": absolute(path), "format": "json"})
    return absolute(f"{reverse('opendata_site:oembed')}?{query}")


# Open Graph names a locale language_TERRITORY. English pages are written in British
# English; the Spanish is neutral Latin American Spanish, which Facebook (whose list
# Open Graph readers follow) calls es_LA. Any other language: xx_XX.
OG_LOCALES = {"en": "en_GB", "es": "es_LA"}


def og_locale(code: str) -> str:
    return OG_LOCALES.get(code, f"{code}_{code.upper()}")


@register.simple_tag
def og_locales() -> dict[str, object]:
    """The page's Open Graph locale and those of its versions in other languages."""
    current = get_language() or settings.LANGUAGE_CODE
    return {
        "current": og_locale(current),
        "alternates": [og_locale(code) for code, _name in settings.LANGUAGES if code != current],
    }
