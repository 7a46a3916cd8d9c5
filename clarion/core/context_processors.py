from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from clarion.core import locale


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.CLARION_SITE_NAME,
        "mail_outbox_only": settings.CLARION_MAIL_OUTBOX_ONLY,
        "show_dev_outbox": settings.CLARION_MAIL_OUTBOX_ONLY and settings.DEBUG,
        "language_links": language_links(request),
    }


def language_links(request: HttpRequest) -> list[dict]:
    """This page in every interface language, for the switcher and the hreflang links.

    Empty on pages that exist in one language only (the admin, the API, /dev/). The
    query string is left out: the alternates name the page, and a cached petition page
    must not carry one visitor's query to the next.
    """
    current, neutral = locale.split_path(request.path_info)
    if not locale.is_translated(neutral):
        return []
    links = []
    for code, name in settings.LANGUAGES:
        path = locale.path_in(code, neutral)
        links.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "url": f"{settings.CLARION_BASE_URL}{path}",
                "current": code == current,
                "default": code == settings.LANGUAGE_CODE,
            }
        )
    return links
