from django.apps import AppConfig


class ConfirmationsConfig(AppConfig):
    """Actions a person confirms by email: the one flow petition signatures and letter
    sign-ons share (and whatever confirmed action comes next)."""

    name = "clarion.confirmations"
    label = "confirmations"
    default_auto_field = "django.db.models.BigAutoField"
