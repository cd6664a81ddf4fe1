from django.apps import AppConfig


class PresenceConfig(AppConfig):
    """Who is online right now; built by the presence issue."""

    name = "presence"
