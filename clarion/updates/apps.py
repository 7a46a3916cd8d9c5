from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    """Updates to signers: the mailing of a petition's updates, and unsubscribing."""

    name = "clarion.updates"
    label = "updates"
    default_auto_field = "django.db.models.BigAutoField"
