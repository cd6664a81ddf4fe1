from django.apps import AppConfig


class CobrowseConfig(AppConfig):
    name = "cobrowse"
    verbose_name = "Co-browsing"

    def ready(self) -> None:
        from cobrowse import (
            receivers,  # noqa: F401  (connects the group signals)
            sweeps,
        )
        from core import leases

        leases.sweep_register(sweeps.sweep_if_leased)
