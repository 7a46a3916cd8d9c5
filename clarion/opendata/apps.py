from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """Feeds, sitemaps, robots.txt, the public CSV, oEmbed and the embeddable widget."""

    name = "clarion.opendata"
    label = "opendata"
    default_auto_field = "django.db.models.BigAutoField"
