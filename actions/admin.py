from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Deliverable, Milestone, QuarterlyUpdate
from plans.admin import PublicContentAdmin


class VersionedAdmin:
    """Admin saves move the version on, as every other write does (``plans.versioning``), so
    a staff form opened before an administrator's change reports a conflict instead of
    overwriting it. The admin has no version of its own to compare: its save wins. The
    models' own rules (``clean_fields``) run in the admin's form validation.
    """

    @staticmethod
    def current_version(obj) -> int:
        versions = type(obj)._default_manager.select_for_update().values_list("version")
        return versions.get(pk=obj.pk)[0]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = self.current_version(obj) + 1
        super().save_model(request, obj, form, change)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_quarter", "done_on", "order"]


@admin.register(Deliverable)
class DeliverableAdmin(VersionedAdmin, PublicContentAdmin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "force_name",
        "workstream",
        "start_quarter",
        "due_quarter",
        "lead",
        "withdrawn_at",
    ]
    list_filter = ["workstream", "plan__force__region", "plan__is_published"]
    search_fields = ["title", "description", "lead", "reference", "plan__force__name"]
    list_select_related = ["plan__force", "workstream"]
    filter_horizontal = ["national_actions"]
    raw_id_fields = ["plan"]
    inlines = [MilestoneInline]

    @admin.display(description="Force", ordering="plan__force__name")
    def force_name(self, obj):
        return obj.plan.force.name


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdmin, PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["title", "deliverable", "due_quarter", "done_on"]
    list_filter = ["deliverable__plan__force__region"]
    search_fields = ["title", "deliverable__title"]
    list_select_related = ["deliverable"]
    raw_id_fields = ["deliverable"]


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(VersionedAdmin, PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["deliverable", "force_name", "quarter", "status", "published_at", "author"]
    list_filter = ["status", "deliverable__workstream", "deliverable__plan__force__region"]
    search_fields = ["deliverable__title", "done", "next", "deliverable__plan__force__name"]
    list_select_related = ["deliverable__plan__force", "author"]
    raw_id_fields = ["deliverable"]
    readonly_fields = ["author", "corrected_at"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        """Saved by the rule of every other write path (``QuarterlyUpdate.save_by``): the
        administrator is recorded as who saved it, and an edited published update is marked
        corrected. A publication date set or cleared here stands as the administrator wrote it.
        """
        obj._history_user = request.user
        was_published = change and form.initial.get("published_at") is not None
        seen = self.current_version(obj) if change else 0
        obj.save_by(request.user, timezone.now(), seen, was_published=was_published)

    @admin.display(description="Force", ordering="deliverable__plan__force__name")
    def force_name(self, obj):
        return obj.deliverable.plan.force.name
