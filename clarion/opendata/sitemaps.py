"""Sitemap sections for /sitemap.xml (django.contrib.sitemaps), on CLARION_BASE_URL.

Every page is listed once per language (/p/<slug>/ and /es/p/<slug>/), each with
``xhtml:link rel="alternate" hreflang`` links to all its versions and an ``x-default``
(the English one, served to anyone whose language the site does not speak), as search
engines ask of a site whose pages exist in several languages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clarion.letters import selectors as letter_selectors
from clarion.letters.models import Letter
from clarion.news.models import Article, Story
from clarion.petitions import selectors
from clarion.petitions.models import Petition
from clarion.taxonomy import regions
from clarion.taxonomy.models import Category


class SiteSitemap(Sitemap):
    """Addresses on the site's public base URL, whatever host the request came to, in
    every language of settings.LANGUAGES."""

    # Each item is listed in every language, so a page of the sitemap holds this many
    # items' addresses times the number of languages (well under the protocol's 50,000).
    limit = 10_000
    i18n = True
    alternates = True
    x_default = True

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.CLARION_BASE_URL).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.CLARION_BASE_URL).scheme


class PageSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "petitions:home",
            "petitions:category_index",
            "browse:country_index",
            "browse:region_index",
            "letters:index",
            "news:index",
            "about",
            "privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class PetitionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return (
            selectors.public_petitions()
            .only("slug", "updated_at", "status")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item: Petition):
        return item.updated_at

    def priority(self, item: Petition) -> float:
        return 0.8 if item.status == Petition.Status.PUBLISHED else 0.5


class CategorySitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.only("slug").order_by("name")


class CountrySitemap(SiteSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [code for code, _n in selectors.countries_with_counts()]

    def location(self, item: str) -> str:
        return reverse("browse:country", args=[item])


class RegionSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [region.slug for region in regions.all_regions()]

    def location(self, item: str) -> str:
        return reverse("browse:region", args=[item])


class StorySitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Story.objects.only("pk", "last_published_at").order_by("-last_published_at", "-id")

    def lastmod(self, item: Story):
        return item.last_published_at


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.only("pk", "headline", "fetched_at").order_by("-published_at", "-id")

    def lastmod(self, item: Article):
        return item.fetched_at


class LetterSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return letter_selectors.public_letters().order_by("-id")

    def lastmod(self, item: Letter):
        return item.updated_at


# The sections of /sitemap.xml, in this order.
SITEMAPS = {
    "pages": PageSitemap,
    "petitions": PetitionSitemap,
    "letters": LetterSitemap,
    "categories": CategorySitemap,
    "countries": CountrySitemap,
    "regions": RegionSitemap,
    "stories": StorySitemap,
    "articles": ArticleSitemap,
}
