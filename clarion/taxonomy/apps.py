from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    """What petitions, letters and stories are tagged with: categories, targets,
    countries, regions and content languages. Shared by every domain app below them."""

    name = "clarion.taxonomy"
    label = "taxonomy"
    default_auto_field = "django.db.models.BigAutoField"
