from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from plans.models import Force, Plan, ReminderLog


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "region", "country"]
    list_filter = ["country", "region"]
    search_fields = ["name", "slug", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "force", "first_quarter", "last_quarter", "is_published", "is_demo"]
    list_filter = ["is_published", "is_demo", "force__region"]
    search_fields = ["title", "summary", "force__name"]
    list_select_related = ["force"]
    autocomplete_fields = ["force"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only record of the return reminders sent by ``send_return_reminders``."""

    list_display = ["sent_at", "email", "force", "quarter", "missing_count", "draft_count"]
    list_filter = ["sent_on", "force__region"]
    search_fields = ["email", "force__name"]
    list_select_related = ["force"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
