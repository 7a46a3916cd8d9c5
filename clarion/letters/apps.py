from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "clarion.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"
