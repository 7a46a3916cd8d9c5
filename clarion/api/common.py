"""What the API's endpoints share: parameter limits, absolute links, page links."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import Field

from clarion.core.tokens import absolute
from clarion.taxonomy.models import Category, Target
from clarion.taxonomy.translated import translations

MAX_PER_PAGE = 100

# Parameters the endpoints share. The constraints live in the OpenAPI document, so a
# client knows them in advance, and Ninja refuses what breaks them with a 422 that
# names the parameter.

# Ids fit a 64-bit column; a bigger number could not name anything, and SQLite's
# driver can't even pass it along.
Id = Annotated[int, Field(ge=1, le=2**63 - 1, description="A positive id.")]
Page = Annotated[int, Field(1, ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[int, Field(20, ge=1, le=MAX_PER_PAGE, description="Items per page, 1 to 100.")]
# Free text in a filter: no NUL (no database text can hold one; the site answers 400
# to any request carrying one) and not longer than anything it could match.
Text = Annotated[
    str | None, Field(None, max_length=200, pattern=r"^[^\x00]*$", description="Plain text.")
]
# Countries are stored as "DE,FR" text and matched as a substring, so anything but two
# letters (such as "E," in "DE,FR") could match across codes.
CountryCode = Annotated[
    str | None,
    Field(None, pattern=r"^[A-Za-z]{2}$", description="Two-letter ISO 3166-1 code, e.g. MX."),
]


def page_link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return absolute(f"{request.path}?{urlencode(sorted(params.items()))}")


def json_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse with 415, before anything is read, a body not sent as JSON.

    A web page can make its visitors' browsers POST a form (text/plain, form-encoded,
    multipart) anywhere without asking first; only a JSON content type makes the
    browser ask the API's permission (a CORS preflight), which it never gives. So no
    page can act through the API in its visitors' names. Use with Ninja's
    ``decorate_view``.
    """

    @wraps(view)
    def only_json(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.content_type != "application/json":
            return JsonResponse(
                {"detail": "Send the body as JSON, with Content-Type: application/json."},
                status=415,
            )
        return view(request, *args, **kwargs)

    return only_json


# Categories and targets as every endpoint gives them: the original words (the API
# answers in English) and their versions in the site's other languages, so a client
# shows the one it wants, as with a petition's translations.


def category_ref(category: Category) -> dict:
    return {
        "slug": category.slug,
        "name": category.name,
        "translations": translations(category, "name", "description"),
    }


def target_ref(target: Target) -> dict:
    return {
        "name": target.name,
        "kind": target.kind,
        "country": target.country.code or None,
        "translations": translations(target, "name"),
    }
