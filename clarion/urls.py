from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from clarion.api.urls import api
from clarion.core import views as core_views

handler400 = "clarion.core.views.bad_request"

urlpatterns = [
    # First, so health checks (frequent, and the bench's baseline) match at once rather
    # than after every petition pattern.
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Every public page, in English at /... and in each other language at /<code>/...;
    # the language comes from the URL alone (clarion/core/locale.py).
    *i18n_patterns(
        path("", include("clarion.petitions.urls")),
        path("news/", include("clarion.browse.news_urls")),
        path("", include("clarion.browse.urls")),
        path("", include("clarion.letters.urls")),
        path("", include("clarion.updates.urls")),
        path("", include("clarion.privacy.urls")),
        path("", include("clarion.campaigns.urls")),
        path("", include("clarion.organise.urls")),
        path("about/", core_views.about, name="about"),
        path("privacy/", core_views.privacy, name="privacy"),
        # Feeds and the sign widget, in each language.
        path("", include("clarion.opendata.urls")),
        prefix_default_language=False,
    ),
    path("dev/outbox/", core_views.outbox, name="outbox"),
    path("dev/outbox/<int:pk>/", core_views.outbox_message, name="outbox_message"),
    path("api/v1/", api.urls),
    path("api/osdi/v1/", include("clarion.api.osdi_urls")),
    # Sitemap, robots.txt, the CSV and oEmbed: once for the whole site.
    path("", include("clarion.opendata.site_urls")),
    # Before the admin's own URLs, so sign-in attempts are counted first.
    path("admin/login/", core_views.admin_login, name="admin_login"),
    # Queued tasks on Redis: django-rq's pages (staff only), where failed ones are requeued.
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
]
