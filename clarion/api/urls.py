from __future__ import annotations

from clarion.api.categories import router as categories_router
from clarion.api.index import router as index_router
from clarion.api.letters import router as letters_router
from clarion.api.news import articles_router, stories_router
from clarion.api.petitions import router as petitions_router
from clarion.api.throttle import PerIPThrottle, ThrottledAPI

api = ThrottledAPI(
    title="Clarion API",
    version="1",
    description=(
        "Clarion's public petitions and open letters, their categories and signatures by "
        "country, and the articles and stories its news desk follows; and signing, which "
        "emails the signer a link to confirm. Responses never contain a signer's email "
        "address. OSDI (Action Network-compatible) petitions and signatures are under "
        "/api/osdi/v1/."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    throttle=PerIPThrottle(),
)
# The root answers with an index of the rest.
api.add_router("", index_router)
api.add_router("/petitions", petitions_router)
api.add_router("/articles", articles_router)
api.add_router("/stories", stories_router)
api.add_router("/letters", letters_router)
api.add_router("/categories", categories_router)
