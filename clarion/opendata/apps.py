from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """Feeds, sitemaps, robots.txt, the public CSV, oEmbed and the embeddable widget."""

    name = "clarion.opendata"
    label = "opendata"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Other apps register theirs the same way from their own ready() (registry.py).
        from clarion.opendata import feeds, registry, sitemaps

        registry.register_feed("petitions", feeds.PetitionFeed())
        registry.register_feed("stories", feeds.StoryFeed())
        registry.register_sitemap("pages", sitemaps.PageSitemap)
        registry.register_sitemap("petitions", sitemaps.PetitionSitemap)
        registry.register_sitemap("categories", sitemaps.CategorySitemap)
        registry.register_sitemap("countries", sitemaps.CountrySitemap)
        registry.register_sitemap("stories", sitemaps.StorySitemap)
        registry.register_sitemap("articles", sitemaps.ArticleSitemap)
