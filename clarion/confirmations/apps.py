from django.apps import AppConfig


class ConfirmationsConfig(AppConfig):
    """Actions a person confirms by email: the one flow petition signatures and letter
    sign-ons share (and whatever confirmed action comes next)."""

    name = "clarion.confirmations"
    label = "confirmations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clarion.confirmations import services
        from clarion.core.outbox import register_composer

        # The sender writes the flows' emails (the request only queues what to write).
        register_composer(services.COMPOSER, services.compose_mail)
