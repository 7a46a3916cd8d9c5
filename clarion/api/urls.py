from __future__ import annotations

from clarion.api.letters import router as letters_router
from clarion.api.news import articles_router, stories_router
from clarion.api.petitions import router as petitions_router
from clarion.api.throttle import PerIPThrottle, ThrottledAPI

api = ThrottledAPI(
    title="Clarion API",
    version="1",
    description=(
        "Read-only access to Clarion's public petitions and open letters, and to the articles "
        "and stories its news desk follows. Responses never contain a signer's email address."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    throttle=PerIPThrottle(),
)
api.add_router("/petitions", petitions_router)
api.add_router("/articles", articles_router)
api.add_router("/stories", stories_router)
api.add_router("/letters", letters_router)
