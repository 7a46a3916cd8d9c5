from django.apps import AppConfig


class AppealsConfig(AppConfig):
    """The support appeal: an operator's request for help (a donation, volunteering),
    shown after signing and at the foot of letters. A link out; Clarion takes no payment."""

    name = "clarion.appeals"
    label = "appeals"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Support appeals"
