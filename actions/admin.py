from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Deliverable, Milestone, QuarterlyUpdate
from plans.admin import PublicContentAdmin


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_quarter", "done_on", "order"]


@admin.register(Deliverable)
class DeliverableAdmin(PublicContentAdmin, SimpleHistoryAdmin):
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
class MilestoneAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["title", "deliverable", "due_quarter", "done_on"]
    list_filter = ["deliverable__plan__force__region"]
    search_fields = ["title", "deliverable__title"]
    list_select_related = ["deliverable"]
    raw_id_fields = ["deliverable"]


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["deliverable", "force_name", "quarter", "status", "published_at", "author"]
    list_filter = ["status", "deliverable__workstream", "deliverable__plan__force__region"]
    search_fields = ["deliverable__title", "done", "next", "deliverable__plan__force__name"]
    list_select_related = ["deliverable__plan__force", "author"]
    raw_id_fields = ["deliverable", "author"]
    date_hierarchy = "published_at"

    @admin.display(description="Force", ordering="deliverable__plan__force__name")
    def force_name(self, obj):
        return obj.deliverable.plan.force.name
