from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: the home page, the demo shop pages (TANDEM_DEMO_PAGES) and the `demo`
    command that makes the demo group and agent."""

    name = "demo"
