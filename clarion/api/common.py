"""What every list endpoint of the API shares: absolute links, paging, filter checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError

# Countries are stored as "DE,FR" text and matched as a substring, so anything but two
# letters (such as "E," in "DE,FR") could match across codes.
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")
MAX_PER_PAGE = 100


def absolute(path: str) -> str:
    return f"{settings.CLARION_BASE_URL}{path}"


def check_filters(page: int, per_page: int, country: str | None) -> None:
    """Refuse paging and country filters the API can't honour, with a 400 that says why."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise HttpError(400, "page must be 1 or more and per_page between 1 and 100.")
    if country is not None and not _COUNTRY_CODE.fullmatch(country):
        raise HttpError(400, "country must be a two-letter ISO 3166-1 code, such as MX.")


def page_link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return absolute(f"{request.path}?{urlencode(sorted(params.items()))}")


def page_of(
    request: HttpRequest, *, total: int, page: int, per_page: int, results: Sequence[dict]
) -> dict:
    """The envelope of one page of results, with links to its neighbours."""
    pages = max(1, -(-total // per_page))
    return {
        "count": total,
        "page": page,
        "pages": pages,
        "next": page_link(request, page + 1) if page < pages else None,
        "previous": page_link(request, page - 1) if page > 1 else None,
        "results": list(results),
    }
