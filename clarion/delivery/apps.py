from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "clarion.delivery"
    label = "delivery"
    default_auto_field = "django.db.models.BigAutoField"
