from django.apps import AppConfig


class PrapConfig(AppConfig):
    """The project itself: security-event receivers, health and request logging."""

    name = "prap"
    verbose_name = "PRAP Tracker"

    def ready(self) -> None:
        from prap import security

        security.connect()
