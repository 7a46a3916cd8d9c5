"""What a petition's related-article line needs from a news article's address:
headline, outlet, and publication time in the outlet's own zone.

A petition someone starts may answer an article they give by its URL. The article
is looked up among the news desk's stored articles first; otherwise its page is read
once through the guarded fetcher (clarion.core.fetch), from the metadata outlets
publish for link previews and search engines (Open Graph, schema.org JSON-LD), with
the page's <title> and first <h1> as fallbacks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import lxml.html
from django.utils.translation import gettext as _

from clarion.core.fetch import PAGE_TYPES, FetchError, Refused, fetch
from clarion.core.text import truncate_at_word
from clarion.news.models import Article
from clarion.news.parse import canonical_url, outlet_domain, parse_date

HEADLINE_MAX = 300
OUTLET_MAX = 120


class ArticleUnreadable(Exception):
    """The address gave nothing usable; the message is for the person who typed it."""


@dataclass(frozen=True)
class ArticleLine:
    url: str
    headline: str
    outlet: str
    published_at: datetime | None  # aware, with the offset the outlet published with

    @property
    def time_zone(self) -> str:
        """The offset as stored on a petition (``+02:00``), or "" without a time."""
        if self.published_at is None or self.published_at.utcoffset() is None:
            return ""
        minutes = int(self.published_at.utcoffset().total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        hours, rest = divmod(abs(minutes), 60)
        return f"{sign}{hours:02d}:{rest:02d}"


def _meta(tree, *names: str) -> str:
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            found = tree.xpath(f"//meta[@{attribute}=$name]/@content", name=name)
            for value in found:
                if value.strip():
                    return " ".join(value.split())
    return ""


def _json_ld(tree) -> list[dict]:
    """The schema.org objects of the page's JSON-LD blocks (a @graph flattened)."""
    objects: list[dict] = []
    for block in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    objects.extend(node for node in graph if isinstance(node, dict))
    return objects


def _from_json_ld(objects: list[dict], key: str) -> str:
    for item in objects:
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("name", "")
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def read_page(body: bytes, url: str) -> ArticleLine:
    """The article line from an article page's HTML."""
    try:
        tree = lxml.html.fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        raise ArticleUnreadable(_("That address is not a web page we can read.")) from None
    ld = _json_ld(tree)
    headline = (
        _meta(tree, "og:title", "twitter:title")
        or _from_json_ld(ld, "headline")
        or " ".join(" ".join(tree.xpath("//h1[1]//text()")).split())
        or " ".join(" ".join(tree.xpath("//title//text()")).split())
    )
    if not headline:
        raise ArticleUnreadable(_("That page has no headline we can read. Is it a news article?"))
    outlet = (
        _meta(tree, "og:site_name", "application-name")
        or _from_json_ld(ld, "publisher")
        or outlet_domain(url)
    )
    published = parse_date(
        _meta(tree, "article:published_time", "og:article:published_time", "datePublished")
        or _from_json_ld(ld, "datePublished")
        or next(iter(tree.xpath("//time[@datetime][1]/@datetime")), "")
    )
    return ArticleLine(
        url=url,
        headline=truncate_at_word(headline, HEADLINE_MAX),
        outlet=truncate_at_word(outlet, OUTLET_MAX),
        published_at=published,
    )


def related_article(url: str) -> ArticleLine:
    """The line for the article at ``url``: the stored article's, or read from its page.

    Raises ArticleUnreadable with a message fit for the person who gave the address.
    """
    try:
        canonical = canonical_url(url)
    except ValueError:
        raise ArticleUnreadable(_("Enter the full address of the article.")) from None
    stored = Article.objects.filter(url=canonical).first()
    if stored is not None:
        return ArticleLine(
            url=stored.url if len(stored.url) <= 500 else url,
            headline=truncate_at_word(stored.headline, HEADLINE_MAX),
            outlet=truncate_at_word(stored.outlet_name, OUTLET_MAX),
            published_at=None if stored.published_is_fetch_time else stored.published_local,
        )
    try:
        page = fetch(canonical, accept=PAGE_TYPES)
    except Refused:
        raise ArticleUnreadable(
            _("That address can't be read: only public web pages can be.")
        ) from None
    except FetchError as exc:
        reason = str(exc)
        if reason.startswith("timed out"):
            message = _("The article's site took too long to answer. Try again later.")
        elif reason.startswith("HTTP "):
            message = _("The article's site answered with an error (%(status)s).") % {
                "status": reason.split(" ", 2)[1]
            }
        elif reason.startswith("could not find"):
            message = _("There is no site at that address. Check it for typing mistakes.")
        else:
            message = _("We could not read that page. Check the address.")
        raise ArticleUnreadable(message) from None
    kind = page.content_type.split(";")[0].strip().lower()
    if kind and kind not in ("text/html", "application/xhtml+xml"):
        raise ArticleUnreadable(_("That address is not a web page we can read."))
    return read_page(page.body, canonical)
