"""The letters' part of the open data: an Atom feed and a sitemap section.

Registered with clarion.opendata from LettersConfig.ready(), like petitions and stories.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from clarion.api.common import absolute
from clarion.letters import selectors
from clarion.letters.models import Letter
from clarion.opendata.feeds import FEED_ITEMS, _AtomFeed
from clarion.opendata.sitemaps import SiteSitemap


class LetterFeed(_AtomFeed):
    """Open letters as they are opened for sign-on, newest first."""

    def title(self, obj=None) -> str:
        return _("%(site)s: new open letters") % {"site": settings.CLARION_SITE_NAME}

    def subtitle(self, obj=None) -> str:
        return _("Open letters that organisations can sign, as they are published.")

    def link(self, obj=None) -> str:
        return absolute(reverse("letters:index"))

    def feed_url(self, obj=None) -> str:
        return absolute(reverse("opendata:feed", args=["letters"]))

    def items(self, obj=None):
        return (
            selectors.public_letters()
            .filter(published_at__isnull=False)
            .order_by("-published_at", "-id")[:FEED_ITEMS]
        )

    def item_title(self, item: Letter) -> str:
        return item.title

    def item_description(self, item: Letter) -> str:
        return item.salutation

    def item_link(self, item: Letter) -> str:
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Letter):
        return item.published_at

    def item_updateddate(self, item: Letter):
        return max(item.updated_at, item.published_at)


class LetterSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public_letters().order_by("-id")

    def lastmod(self, item: Letter):
        return item.updated_at
