"""Text helpers shared by pages, emails and the API."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

_ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "code",
    "pre",
    "hr",
}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to show: no raw HTML, scripts or odd URLs survive."""
    rendered = _markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


@lru_cache(maxsize=4096)
def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without its markup, for search and summaries.

    Remembered (a few MB at most): a page of search results cuts twenty snippets from
    the petitions' texts, about a millisecond of Markdown each, and the same petitions
    come up again and again.
    """
    rendered = _markdown.markdown(text or "", output_format="html")
    plain = nh3.clean(rendered, tags=set())
    return re.sub(r"\s+", " ", html.unescape(plain)).strip()


def truncate_at_word(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten ``text`` to at most ``limit`` characters without cutting a word in two."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    cut = text[:room]
    if not text[room].isspace():  # the cut falls inside a word: drop that word
        cut = cut.rsplit(None, 1)[0] if any(c.isspace() for c in cut) else ""
    cut = cut.rstrip(" ,;:—–-")
    if not cut:  # one enormous word: cutting it beats showing nothing
        cut = text[:room]
    return cut + ellipsis


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]?\s+")


def truncate_at_sentence(text: str, limit: int) -> str:
    """Whole sentences up to ``limit`` characters; a word boundary if even one is too long."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    kept = ""
    for match in _SENTENCE_END.finditer(text):
        candidate = text[: match.end()].strip()
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or truncate_at_word(text, limit)


# Anything shaped like an email address, including internationalised ones.
EMAIL_LIKE = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def hide_emails(text: str, replacement: str = "[email hidden]") -> str:
    """Public text with every email-like string blanked out.

    Signers' comments are public; an address in one (their own or someone else's)
    would be harvested, so no public page shows one whatever got stored.
    """
    return EMAIL_LIKE.sub(replacement, text)


# What a search box's words are: runs of letters and digits, lower case, at most so many.
_QUERY_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


def query_words(query: str) -> list[str]:
    """The words of what someone typed into a search box, lower case, at most twelve;
    punctuation and operators are dropped, so no query syntax can get through."""
    return _QUERY_WORD.findall(query.lower())[:MAX_QUERY_WORDS]


# The escape character of ``contains_pattern``: a query word is letters, digits and "_",
# and "_" (one character in LIKE) must match only itself.
LIKE_ESCAPE = "!"
# "Holds this word, in any case", as SQL: UPPER(column) LIKE UPPER(pattern) is what
# Django's icontains runs on PostgreSQL; on SQLite LIKE already ignores the case of ASCII
# letters, and UPPER changes no others.
LIKE_CONTAINS = f"UPPER({{}}) LIKE UPPER(%s) ESCAPE '{LIKE_ESCAPE}'"


def contains_pattern(word: str) -> str:
    """The LIKE pattern, for LIKE_CONTAINS, of a text holding ``word`` as typed."""
    for special in (LIKE_ESCAPE, "%", "_"):
        word = word.replace(special, LIKE_ESCAPE + special)
    return f"%{word}%"
