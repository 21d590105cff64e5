#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read only the models' code and the migration files, and sign nothing: a fresh
# clone can check its migrations (`manage.py makemigrations --check`) without a signing key.
# Every other command, and every server, still refuses to start without SECRET_KEY when DEBUG
# is off (prap/settings.py).
SIGN_NOTHING = {"makemigrations", "showmigrations", "sqlmigrate"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prap.settings")
    if sys.argv[1:2] and sys.argv[1] in SIGN_NOTHING:
        os.environ.setdefault("SECRET_KEY", "schema-commands-sign-nothing")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
