from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PrapConfig(AppConfig):
    """The project itself: security-event receivers, health and request logging."""

    name = "prap"
    verbose_name = "PRAP Tracker"

    def ready(self) -> None:
        from prap import checks, security  # noqa: F401 - checks register themselves

        security.connect()


class PrapAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``prap.admin.PrapAdminSite`` as ``admin.site``."""

    default_site = "prap.admin.PrapAdminSite"
