"""/api/v1/: what the API offers, so a person or a client can start from its root."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from clarion.api.common import absolute

router = Router(tags=["index"])

# The list endpoints, in the order a newcomer would want them; every item endpoint hangs
# off one of these (…/petitions/<slug>, …/letters/<slug>, …/stories/<id>).
LISTS = ("petitions", "letters", "categories", "stories", "articles")


class IndexOut(Schema):
    name: str
    version: str
    docs: str
    openapi: str
    osdi: str
    endpoints: dict[str, str]


@router.get("/", response={200: IndexOut}, url_name="index")
def index(request: HttpRequest):
    """Where to start: the documentation, the OpenAPI document and every list endpoint."""
    root = reverse("api:index")
    return {
        "name": "Clarion API",
        "version": "1",
        "docs": absolute(reverse("api:openapi-view")),
        "openapi": absolute(reverse("api:openapi-json")),
        "osdi": absolute(reverse("osdi:aep")),
        "endpoints": {name: absolute(f"{root}{name}") for name in LISTS},
    }
