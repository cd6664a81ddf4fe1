from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API: API tokens, and the presence endpoints integrators call from servers."""

    name = "api"

    def ready(self) -> None:
        from api import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
