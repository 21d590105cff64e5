from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        # The deliverables' stored statuses and the trend's stored figures change with what
        # the public sees: in the transaction of every write that gives public pages a new
        # content version (plans.cache), for the same forces, before the hooks that read
        # them (search). A single save of an update, a deliverable or a plan outside those
        # writes (the shell, a test's data) refreshes them too.
        from django.db.models.signals import post_save

        from actions.models import (
            Deliverable,
            QuarterlyUpdate,
            refresh_after_saving,
            refresh_published_statuses,
            refresh_trend_after_saving,
            refresh_trend_figures,
        )
        from plans.cache import on_content_change
        from plans.models import Plan

        on_content_change(refresh_published_statuses, first=True)
        on_content_change(refresh_trend_figures, first=True)
        post_save.connect(refresh_after_saving, sender=QuarterlyUpdate, dispatch_uid="status")
        for model in (Deliverable, Plan):
            post_save.connect(refresh_trend_after_saving, sender=model, dispatch_uid="trend")
