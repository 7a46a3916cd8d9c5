from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``clarion demo``: loads every app's demo content. The top of the layers."""

    name = "clarion.demo"
    label = "demo"
