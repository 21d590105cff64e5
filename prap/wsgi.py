"""WSGI entry point for gunicorn: ``gunicorn prap.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prap.settings")

application = get_wsgi_application()

from prap.runtime import settle  # noqa: E402 - needs the settings loaded above

settle()
