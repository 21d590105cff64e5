from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        # The deliverables' stored statuses change with what the public sees: in the
        # transaction of every write that gives public pages a new content version
        # (plans.cache), for the same forces, before the hooks that read them (search).
        # A single save of an update outside those writes (the shell, a test's data)
        # refreshes its deliverable too.
        from django.db.models.signals import post_save

        from actions.models import QuarterlyUpdate, refresh_after_saving, refresh_published_statuses
        from plans.cache import on_content_change

        on_content_change(refresh_published_statuses, first=True)
        post_save.connect(refresh_after_saving, sender=QuarterlyUpdate, dispatch_uid="status")
