from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A signer's own data (see, download, delete) and the retention purge, across
    petitions and letters: the one place that knows both."""

    name = "clarion.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"
