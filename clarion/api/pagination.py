"""Paging for the list endpoints: Ninja's pagination with Clarion's envelope.

Every list answers ``{count, page, pages, next, previous, results}`` (the news lists
also give ``per_page``), with ``next``/``previous`` as absolute links that keep the
other parameters. The view returns what to page through (``Rendered``: a queryset, or a
search window, and how each item becomes the API's dict); Ninja adds the ``page`` and
``per_page`` parameters, their limits and the response schema to the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase

from clarion.api.common import MAX_PER_PAGE, Page, PerPage, page_link


class Window(Protocol):
    """Anything the paginator can take a page of, and count."""

    def __getitem__(self, window: slice) -> Any: ...

    def count(self) -> int: ...


class Rendered:
    """``source`` paged as the API shows it: each item through ``render``."""

    def __init__(self, source: Window | list, render: Callable[[Any], dict]) -> None:
        self.source, self.render = source, render

    def all(self) -> Rendered:
        return self

    def count(self) -> int:
        # A list (already read, as the categories are) is counted, not queried.
        return len(self.source) if isinstance(self.source, list) else self.source.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return [self.render(item) for item in self.source[window]]


class PageNumbers(PaginationBase):
    class Input(Schema):
        page: Page = 1
        per_page: PerPage = 20

    class Output(Schema):
        count: int
        page: int
        pages: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: Rendered, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page, per_page = pagination.page, pagination.per_page
        offset = (page - 1) * per_page
        # The page first: a search window learns its total from the same query.
        results = queryset[offset : offset + per_page]
        total = queryset.count()
        pages = max(1, -(-total // per_page))
        return {
            "count": total,
            "page": page,
            "pages": pages,
            "per_page": per_page,
            "next": page_link(request, page + 1) if page < pages else None,
            "previous": page_link(request, page - 1) if page > 1 else None,
            "results": results,
        }


class PageNumbersWithSize(PageNumbers):
    """The news lists' envelope, which also says how many items a page holds."""

    class Output(PageNumbers.Output):
        per_page: int


class AllCategories(PageNumbers):
    """Categories are few: a client gets them all in one page by default."""

    class Input(Schema):
        page: Page = 1
        per_page: PerPage = MAX_PER_PAGE
