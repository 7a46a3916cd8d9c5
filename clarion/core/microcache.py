"""Each server process answers again, for a second, with the public pages it just served.

When a petition goes viral its page is read thousands of times a second and signed a
few dozen times. The page says it is the same for every anonymous visitor
(``Cache-Control: public``, see ``clarion.core.http.share_with_caches``), so any cache
in front of Clarion may keep it for a minute; without one, every read still went
through the whole middleware stack, URL resolution and the view before finding the
page in the view's own cache, and cost a third more than ``/healthz``. This middleware,
outermost, keeps each public answer for CLARION_PAGE_LOCAL_SECONDS (1 s) in the
process that made it and hands it out again before anything else runs, as a reverse
proxy's microcache would: a thousand reads a second of one page cost one rendering (or
one lookup in the shared page cache) a second per process.

Only what a shared cache could serve is kept and served: the 200 of a GET that the app
itself marked ``public`` and that sets no cookie, for requests that carry no session,
no pending flash messages (``clarion.core.http.anonymous``) and no credentials. So a
moderator, an organiser or a signer who has just confirmed always gets their own page.
The key is what the answer can depend on: scheme, host, path and query string, and the
request headers the answer ``Vary``s on. A conditional request gets its 304, a HEAD
request the headers alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, get_conditional_response

from clarion.core.http import anonymous
from clarion.core.recent import Recent

# A page bigger than this is served by the app each time: the cache holds pages, not
# downloads. In all it holds at most BUDGET bytes per process (a petition page is about
# 27 KB: a thousand pages), emptied when full (its pages are a second old at most).
MAX_BYTES = 512 * 1024
BUDGET = 32 * 1024 * 1024
_PAGES: Recent[Entry] = Recent(size=1024, max_bytes=BUDGET)
_NOT_SHARED = frozenset({"private", "no-store", "no-cache"})


@dataclass(frozen=True, slots=True)
class Entry:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    # The request headers the answer varies on (META names), with this request's values.
    varies: tuple[tuple[str, str | None], ...]

    def fits(self, request: HttpRequest) -> bool:
        return all(request.META.get(name) == value for name, value in self.varies)

    def response(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(self.content, headers=dict(self.headers))
        if self.etag and "HTTP_IF_NONE_MATCH" in request.META:
            response = get_conditional_response(request, etag=self.etag, response=response)
        if request.method == "HEAD":
            response.content = b""  # Content-Length stays, as on the app's own HEAD answer
        return response


class MicroCache:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.CLARION_PAGE_LOCAL_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD") or not _shared(request):
            return self.get_response(request)
        key = _key(request)
        entry = _PAGES.get(key, seconds)
        if entry is not None and entry.fits(request):
            return entry.response(request)
        response = self.get_response(request)
        if request.method == "GET" and _shareable(response):
            _PAGES.put(key, _entry(request, response), nbytes=len(response.content))
        return response


def _shared(request: HttpRequest) -> bool:
    """Whether this request would get the page every anonymous visitor gets."""
    return "HTTP_AUTHORIZATION" not in request.META and anonymous(request)


def _key(request: HttpRequest) -> tuple:
    meta = request.META
    host = meta.get("HTTP_HOST") or (meta.get("SERVER_NAME"), meta.get("SERVER_PORT"))
    forwarded_host = meta.get("HTTP_X_FORWARDED_HOST") if settings.USE_X_FORWARDED_HOST else None
    return (request.scheme, host, forwarded_host, request.path, meta.get("QUERY_STRING", ""))


def _shareable(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return (
        "public" in directives
        and not directives & _NOT_SHARED
        and len(response.content) <= MAX_BYTES
        and response.get("Vary", "").strip() != "*"
    )


def _entry(request: HttpRequest, response: HttpResponse) -> Entry:
    varies = tuple(
        (_meta_name(header), request.META.get(_meta_name(header)))
        for header in cc_delim_re.split(response.get("Vary", ""))
        if header
    )
    return Entry(
        content=response.content,
        headers=tuple(response.headers.items()),
        etag=response.get("ETag"),
        varies=varies,
    )


def _meta_name(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")
