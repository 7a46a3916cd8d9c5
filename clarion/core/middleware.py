"""Middleware that guards every request before any view sees it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse

from clarion.core.views import InvalidEncoding, bad_request

# Views that only know GET: the JSON API's operations (django-ninja registers each one
# for its declared methods only). HEAD runs them as GET; see HeadAsGet.
_GET_ONLY_PREFIXES = ("/api/v1/",)


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110, section 9.3.2), on every address.

    Monitors and link checkers send HEAD. Django views take it through
    ``require_safe``; the API's operations are declared for GET only, so under
    ``/api/v1/`` a HEAD request is run as a GET. Either way the body is dropped here,
    keeping the headers (Content-Length included) the GET would send: whichever WSGI
    server runs Clarion, a HEAD answer carries no body, and a streamed one (the CSV) is
    never produced. Outside the others (only the microcache, which answers HEAD the
    same way, sits further out), so every other middleware has already set its headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        as_get = request.path_info.startswith(_GET_ONLY_PREFIXES)
        if as_get:
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            # The old iterator's closers stay registered and run when the server
            # closes the response.
            response.streaming_content = []
        else:
            response.content = b""
        return response


# Bodies Clarion reads as text; anything else (file uploads in admin) is left alone.
_TEXT_BODIES = ("application/x-www-form-urlencoded", "application/json", "text/plain")


def _is_text(data: bytes) -> bool:
    """UTF-8 without NUL: PostgreSQL can hold no NUL in text, and no person types one."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RejectInvalidEncoding:
    """Answer 400 to a query string or form/JSON body that is not valid UTF-8 text.

    Django would quietly replace the broken bytes with U+FFFD and pass the result
    on, to be stored as if the person had typed it; refusing is clearer and safer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:  # %00 in a slug or id
            return bad_request(request, InvalidEncoding())
        query = request.META.get("QUERY_STRING", "")
        # WSGI hands over the query string as latin-1 text of the raw bytes.
        if query and not _is_text(unquote_to_bytes(query.encode("latin-1").replace(b"+", b" "))):
            return bad_request(request, InvalidEncoding())
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if request.method in ("POST", "PUT", "PATCH") and content_type in _TEXT_BODIES:
            body = request.body  # RequestDataTooBig past the upload limit: Django's 400
            if content_type == "application/x-www-form-urlencoded":
                body = unquote_to_bytes(body.replace(b"+", b" "))
            if not _is_text(body):
                return bad_request(request, InvalidEncoding())
        return self.get_response(request)


# Scripts only from this site, never inline; nothing may frame the site (the embed
# widget relaxes frame-ancestors for itself only: see ``policy_with``).
_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The admin and the API docs (Swagger UI) set style attributes from their own scripts.
_INLINE_STYLES = ("/admin/", "/api/v1/docs")


def _header(policy: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in policy.items())


_STRICT = _header(_POLICY)


def policy_with(**directives: str) -> str:
    """The site's policy with some directives changed, for a view that needs it
    (``frame_ancestors="*"``). The middleware leaves a policy a view set alone."""
    changed = {name.replace("_", "-"): value for name, value in directives.items()}
    unknown = set(changed) - set(_POLICY)
    if unknown:
        raise ValueError(f"unknown CSP directives: {sorted(unknown)}")
    return _header({**_POLICY, **changed})


_RELAXED = _header({**_POLICY, "style-src": "'self' 'unsafe-inline'"})


class ContentSecurityPolicy:
    """Send a Content-Security-Policy that allows no inline script anywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(_INLINE_STYLES)
            response["Content-Security-Policy"] = _RELAXED if relaxed else _STRICT
        return response
