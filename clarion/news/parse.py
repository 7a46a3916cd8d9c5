"""From feed bytes to clean article records (no database here)."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import nh3

from clarion.core.text import truncate_at_word

# Query parameters that only track who clicked where; they never change the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid|ref|ref_src|cmpid|"
    r"ocid|smid|s_cid|yclid|spm)$",
    re.IGNORECASE,
)


# Longest link stored (Article.url); a longer one is skipped rather than cut, since a
# cut link leads nowhere.
MAX_URL = 1000


class FeedParseError(Exception):
    pass


@dataclass(frozen=True)
class ParsedArticle:
    url: str
    guid: str
    headline: str
    author: str
    summary: str
    text: str
    language: str
    published_at: datetime | None  # aware, in the zone the outlet used
    outlet_name: str
    outlet_domain: str
    # True when the item names its own outlet (an RSS <source> element, as aggregator
    # feeds carry): that outlet is credited, not the feed's.
    outlet_from_source: bool = False

    @property
    def content_hash(self) -> str:
        words = " ".join((self.text or self.summary or self.headline).lower().split())
        return hashlib.sha256(f"{self.headline.lower().strip()}\n{words}".encode()).hexdigest()


def canonical_url(url: str) -> str:
    """The article's address without tracking parameters, fragments or default ports."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def outlet_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def byline(value: str) -> str:
    """The author's name as a reader knows it, never an email address.

    RSS 2.0 writes ``newsdesk@example.org (Rosa Medel)``, others ``Rosa Medel
    <rosa@example.org>`` or an address alone: the name is kept, addresses dropped.
    """
    text = html_to_text(value or "").replace("\n", " ")
    bracketed = re.fullmatch(r"\s*\S+@\S+\s*\((.+)\)\s*", text)
    if bracketed:
        text = bracketed.group(1)
    text = _EMAIL.sub("", text)
    text = re.sub(r"<\s*>|\(\s*\)|\[\s*\]", "", text)
    return " ".join(text.split()).strip(" ,;:-<>()")


def _author(entry) -> str:
    # The raw field first: feedparser's own split of "email (name)" cuts names badly
    # when the address has a long top-level domain.
    raw = entry.get("author") or ""
    if "@" in raw or not raw:
        return byline(raw or (entry.get("author_detail") or {}).get("name", ""))
    return byline(raw)


def _credited_outlet(entry, headline: str) -> tuple[str, str, str]:
    """(outlet name, outlet domain, headline) when the item names its own outlet.

    Aggregators (Google News and the like) link to themselves and say who published
    the article in <source url="https://elpais.com">El País</source>, often repeating
    it at the end of the headline ("... - El País"), which is dropped.
    """
    source = entry.get("source") or {}
    name = html.unescape(source.get("title") or "").strip()
    href = source.get("href") or ""
    domain = outlet_domain(href) if href.startswith(("http://", "https://")) else ""
    if not name and not domain:
        return "", "", headline
    for dash in (" - ", " – ", " — ", " | "):
        if name and headline.endswith(f"{dash}{name}"):
            headline = headline[: -len(dash + name)].strip()
    return name or domain, domain, headline


def html_to_text(value: str) -> str:
    cleaned = nh3.clean(value or "", tags={"p", "br", "li"})
    cleaned = re.sub(r"</?(p|br|li)[^>]*>", "\n", cleaned)
    lines = (" ".join(line.split()) for line in html.unescape(cleaned).splitlines())
    return "\n\n".join(line for line in lines if line)


def parse_date(raw: str | None) -> datetime | None:
    """Parse an RSS (RFC 822) or Atom (RFC 3339) date, keeping its UTC offset."""
    if not raw:
        return None
    raw = raw.strip()
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _entry_date(entry) -> datetime | None:
    for key in ("published", "updated", "created"):
        parsed = parse_date(entry.get(key))
        if parsed:
            return parsed
    for key in ("published_parsed", "updated_parsed"):
        struct = entry.get(key)
        if struct:
            return datetime(*struct[:6], tzinfo=UTC)
    return None


def parse_feed(
    body: bytes,
    *,
    feed_url: str,
    outlet_name: str = "",
    max_items: int | None = None,
    warnings: list[str] | None = None,
) -> list[ParsedArticle]:
    """The feed's articles, newest first; at most ``max_items`` of them.

    An archive feed can carry thousands of items; only the newest are news, and
    keeping the poll bounded keeps the worker's round short. A feed the parser finds
    ill-formed (an undefined entity such as &nbsp;, a declared encoding that does not
    match its bytes, an unclosed tag) is still read for what it yields; the parser's
    complaint is added to ``warnings`` for the operator.
    """
    parsed = feedparser.parse(body)
    feed_info = parsed.get("feed", {})
    name = outlet_name or html.unescape(feed_info.get("title", "")).strip()
    language = (feed_info.get("language") or "").split("-")[0].lower()[:16]
    articles = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        headline = html_to_text(entry.get("title", "")).replace("\n", " ").strip()
        if not link.startswith(("http://", "https://")) or not headline:
            continue  # nothing a reader could follow or recognise
        try:
            url = canonical_url(link)
        except ValueError:  # a malformed host or port
            continue
        if len(url) > MAX_URL or not outlet_domain(url):
            continue
        source_name, source_domain, headline = _credited_outlet(entry, headline)
        content = entry.get("content") or []
        body_html = content[0].get("value", "") if content else ""
        summary = html_to_text(entry.get("summary", ""))
        articles.append(
            ParsedArticle(
                url=url,
                guid=(entry.get("id") or "")[:1000],
                headline=truncate_at_word(headline, 500),
                author=truncate_at_word(_author(entry), 300),
                summary=summary,
                text=html_to_text(body_html) if body_html else "",
                language=(entry.get("language") or language or "").split("-")[0].lower()[:16],
                published_at=_entry_date(entry),
                outlet_name=truncate_at_word(source_name or name or outlet_domain(url), 200),
                outlet_domain=(source_domain or outlet_domain(url))[:200],
                outlet_from_source=bool(source_name or source_domain),
            )
        )
    if parsed.bozo:
        reason = getattr(parsed, "bozo_exception", "not a feed")
        if not articles:
            # Lenient parsing rescued nothing usable: report the feed as broken.
            raise FeedParseError(f"not a readable RSS or Atom feed: {reason}")
        if warnings is not None:
            warnings.append(f"read despite an ill-formed feed: {reason}"[:500])
    if max_items is not None and len(articles) > max_items:
        # Undated items sort as oldest; sorted() is stable, so feed order breaks ties.
        articles.sort(key=_newest_first)
        articles = articles[:max_items]
    return articles


def _newest_first(article: ParsedArticle) -> float:
    return -article.published_at.timestamp() if article.published_at else float("inf")
