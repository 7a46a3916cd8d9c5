from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "clarion.petitions"
    label = "petitions"
    default_auto_field = "django.db.models.BigAutoField"
