from django.apps import AppConfig


class BrowseConfig(AppConfig):
    """Pages that gather several apps' content: news with its petitions, countries,
    regions. A web surface: it reads every domain app and nothing imports it."""

    name = "clarion.browse"
    label = "browse"
    default_auto_field = "django.db.models.BigAutoField"
