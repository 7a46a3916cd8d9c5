from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from clarion.core import locale

# The addresses every page's header and footer link to, by name (URL names; "css" and
# "js" are static files). Reversed once per language and script prefix in each process
# rather than on every page: fourteen {% url %} and {% static %} tags took a third of
# the 0.65 ms the layout cost each page rendered for a visitor (the search page, the
# thanks page), and their answers never change while the process runs.
LAYOUT_URLS = {
    "home": "petitions:home",
    "categories": "petitions:category_index",
    "countries": "browse:country_index",
    "letters": "letters:index",
    "news": "news:index",
    "search": "browse:search",
    "about": "about",
    "privacy": "privacy",
    "start": "campaigns:start",
    "organise": "organise:home",
    "outbox": "outbox",
}
LAYOUT_STATIC = {"css": "clarion/site.css", "js": "clarion/site.js"}
_layout: dict[tuple[str | None, str, bool], dict[str, str]] = {}


def layout_links() -> dict[str, str]:
    # DEBUG too: static file names carry their hash only when it is off.
    key = (get_language(), get_script_prefix(), settings.DEBUG)
    links = _layout.get(key)
    if links is None:
        links = {name: reverse(url_name) for name, url_name in LAYOUT_URLS.items()}
        links["feed"] = reverse("opendata:feed", args=["petitions"])
        links.update({name: static(path) for name, path in LAYOUT_STATIC.items()})
        _layout[key] = links
    return links


def site(request: HttpRequest) -> dict:
    match = getattr(request, "resolver_match", None)
    return {
        "site_name": settings.CLARION_SITE_NAME,
        "mail_outbox_only": settings.CLARION_MAIL_OUTBOX_ONLY,
        "show_dev_outbox": settings.CLARION_MAIL_OUTBOX_ONLY and settings.DEBUG,
        "language_links": language_links(request),
        "layout": layout_links(),
        # Which header link is this page's (aria-current), by the LAYOUT_URLS name.
        "layout_current": _current(match.app_name, match.view_name) if match else "",
    }


# The pages each header link stands for: a whole app's, or one view's, by its full
# name as LAYOUT_URLS gives it (the organisers' "organise:home" is not the site's home).
_CURRENT_APPS = {"letters": "letters", "news": "news"}
_CURRENT_VIEWS = {url_name: name for name, url_name in LAYOUT_URLS.items()}


def _current(app_name: str, view_name: str) -> str:
    return _CURRENT_APPS.get(app_name) or _CURRENT_VIEWS.get(view_name, "")


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
