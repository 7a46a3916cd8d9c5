from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "clarion.drafting"
    verbose_name = "Drafting"
