from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Petitions anyone can start: the creator's confirmed start, the first supporters
    gathered through a private link, moderation, corrections and delivery requests."""

    name = "clarion.campaigns"
    label = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Started petitions")

    def ready(self) -> None:
        # Registers the petition start with the shared confirmation flow.
        from clarion.campaigns import flows  # noqa: F401
