"""The main text of an article page, for feeds that carry only a summary."""

from __future__ import annotations

import logging

from clarion.core.fetch import PAGE_TYPES, FetchError, fetch

logger = logging.getLogger("clarion.news")

# Below this many characters a feed's text is taken to be a summary, not the article.
SUMMARY_ONLY_CHARS = 600


def looks_like_summary(text: str) -> bool:
    return len(text.strip()) < SUMMARY_ONLY_CHARS


def main_text(url: str) -> str:
    """The page's main text as plain paragraphs, or "" when it can't be had.

    Failures are expected (paywalls, 404s, pages that are all script) and must never
    stop ingestion: the article keeps its summary and says so.
    """
    try:
        page = fetch(url, accept=PAGE_TYPES)
    except FetchError as exc:
        logger.info("no main text for %s: %s", url, exc)
        return ""
    # Imported here, not at the top: trafilatura takes a sixth of a second to import,
    # which every `clarion` command would otherwise pay, extraction or not.
    import trafilatura

    try:
        text = trafilatura.extract(
            page.body,
            url=page.url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as exc:  # a parser bug on one page must not stop the feed
        logger.warning("extraction failed for %s: %s", url, exc)
        return ""
    return (text or "").strip()
