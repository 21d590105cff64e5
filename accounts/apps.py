from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import checks, sessions  # noqa: F401 - checks register themselves

        sessions.connect()
