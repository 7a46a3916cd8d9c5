"""A careful HTTP GET for feeds and article pages: conditional, time-limited, size-capped,
few redirects."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

USER_AGENT = "Clarion/0.1 (+https://github.com/clarion; news watcher)"


class FetchError(Exception):
    """The feed could not be fetched; the message says why, for the operator."""


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200, or 304 when nothing changed since the last poll
    body: bytes
    url: str  # after redirects
    etag: str
    last_modified: str
    content_type: str


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5
    max_repeats = 1  # a URL seen twice is a loop


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_LimitedRedirects())


def _read(response, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"feed is larger than {limit} bytes")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


FEED_TYPES = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"
PAGE_TYPES = "text/html, application/xhtml+xml;q=0.9"


def fetch(
    url: str, *, etag: str = "", last_modified: str = "", accept: str = FEED_TYPES
) -> FetchResult:
    headers = {"User-Agent": USER_AGENT, "Accept": f"{accept}, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked on add
    limit = settings.CLARION_FEED_MAX_BYTES
    timeout = settings.CLARION_FEED_TIMEOUT
    # The socket timeout bounds each wait; the deadline bounds the whole fetch, so a
    # server that trickles a byte at a time can't hold the worker for hours.
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            body = _read(response, limit, deadline)
            return FetchResult(
                status=response.status,
                body=body,
                url=response.url,
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                content_type=response.headers.get("Content-Type", ""),
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FetchResult(304, b"", url, etag, last_modified, "")
        if exc.code in (301, 302, 303, 307, 308):
            raise FetchError(f"too many redirects or a redirect loop ({exc.code})") from None
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"could not connect: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout} s") from None
    except OSError as exc:
        raise FetchError(f"network error: {exc}") from None
