from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "clarion.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers both kinds of sign-on with the shared confirmation flow.
        from clarion.letters import flows  # noqa: F401
