from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "clarion.petitions"
    label = "petitions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the signature with the shared confirmation flow.
        from clarion.petitions import flows  # noqa: F401
