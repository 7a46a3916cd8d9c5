"""/api/v1/categories: the categories petitions are filed under."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from clarion.api.common import Page, PerPage, absolute, page_of
from clarion.api.schemas import CategoryPage, ErrorOut, ValidationErrorOut
from clarion.petitions import selectors

router = Router(tags=["categories"])


class CategoryFilters(Schema):
    page: Page = 1
    per_page: PerPage = 100


@router.get("", response={200: CategoryPage, 400: ErrorOut, 422: ValidationErrorOut})
def list_categories(request: HttpRequest, filters: Query[CategoryFilters]):
    """Every category by name, with how many public petitions it holds.

    Use a category's `slug` to filter `/api/v1/petitions?category=`.
    """
    qs = selectors.categories_with_counts()
    offset = (filters.page - 1) * filters.per_page
    items = qs[offset : offset + filters.per_page]
    return page_of(
        request,
        total=qs.count(),
        page=filters.page,
        per_page=filters.per_page,
        results=[
            {
                "slug": c.slug,
                "name": c.name,
                "description": c.description,
                "url": absolute(c.get_absolute_url()),
                "petition_count": c.petition_count,
            }
            for c in items
        ],
    )
