from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clarion.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clarion.core import csrf

        csrf.install()
