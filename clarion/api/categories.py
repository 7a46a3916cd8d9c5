"""/api/v1/categories: the categories petitions are filed under."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from clarion.api.common import absolute
from clarion.api.pagination import AllCategories, Rendered
from clarion.api.schemas import CategoryCountOut, ErrorOut, ValidationErrorOut
from clarion.petitions import selectors
from clarion.taxonomy.translated import translations

router = Router(tags=["categories"])


@router.get("", response={200: list[CategoryCountOut], 400: ErrorOut, 422: ValidationErrorOut})
@paginate(AllCategories)
def list_categories(request: HttpRequest):
    """Every category by name, with how many public petitions it holds.

    Use a category's `slug` to filter `/api/v1/petitions?category=`.
    """
    return Rendered(selectors.categories_with_counts(), _category)


def _category(category) -> dict:
    return {
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "translations": translations(category, "name", "description"),
        "url": absolute(category.get_absolute_url()),
        "petition_count": category.petition_count,
    }
