"""Where apps plug their public data into the site-wide feeds and sitemap.

Each app registers its Atom feeds (served at ``/feeds/<name>.atom``) and its sitemap
sections (listed in ``/sitemap.xml``) from its AppConfig.ready(), so this app needs no
knowledge of the others. Petitions and stories are registered in
``clarion.opendata.apps``, letters in ``clarion.letters.apps`` (clarion/letters/feeds.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse

# name -> a view answering with the feed (a django.contrib.syndication Feed instance).
_feeds: dict[str, Callable[[HttpRequest], HttpResponse]] = {}
# section -> Sitemap class, in the order they were registered.
_sitemaps: dict[str, type[Sitemap]] = {}

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def register_feed(name: str, feed: Callable[[HttpRequest], HttpResponse]) -> None:
    if not _NAME.match(name):
        raise ValueError(f"a feed name is lower-case letters, digits and dashes: {name!r}")
    _feeds[name] = feed


def register_sitemap(section: str, sitemap: type[Sitemap]) -> None:
    if not _NAME.match(section):
        raise ValueError(f"a sitemap section is lower-case letters and dashes: {section!r}")
    _sitemaps[section] = sitemap


def feed(name: str) -> Callable[[HttpRequest], HttpResponse] | None:
    return _feeds.get(name)


def feed_names() -> list[str]:
    return list(_feeds)


def sitemaps() -> dict[str, type[Sitemap]]:
    return dict(_sitemaps)
