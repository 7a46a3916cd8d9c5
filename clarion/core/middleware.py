"""Middleware that guards every request before any view sees it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse

from clarion.core.views import InvalidEncoding, bad_request

# Bodies Clarion reads as text; anything else (file uploads in admin) is left alone.
_TEXT_BODIES = ("application/x-www-form-urlencoded", "application/json", "text/plain")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RejectInvalidEncoding:
    """Answer 400 to a query string or form/JSON body that is not valid UTF-8.

    Django would quietly replace the broken bytes with U+FFFD and pass the result
    on, to be stored as if the person had typed it; refusing is clearer and safer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        # WSGI hands over the query string as latin-1 text of the raw bytes.
        if query and not _is_utf8(unquote_to_bytes(query.encode("latin-1").replace(b"+", b" "))):
            return bad_request(request, InvalidEncoding())
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if request.method in ("POST", "PUT", "PATCH") and content_type in _TEXT_BODIES:
            body = request.body  # RequestDataTooBig past the upload limit: Django's 400
            if content_type == "application/x-www-form-urlencoded":
                body = unquote_to_bytes(body.replace(b"+", b" "))
            if not _is_utf8(body):
                return bad_request(request, InvalidEncoding())
        return self.get_response(request)
