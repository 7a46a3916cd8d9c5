"""Template tags for open data: absolute links on the public base URL."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

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
