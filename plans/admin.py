from django.contrib import admin
from django.db import models, transaction
from simple_history.admin import SimpleHistoryAdmin

from plans.cache import all_content_changed
from plans.models import Force, Plan, ReminderLog


class PublicContentAdmin:
    """For the admin of every model that public pages show: each change saved or deleted
    here marks all public content changed (``plans.cache``), in the change's transaction.
    Admin edits are rare and may touch any page (a force's name, a workstream's aim), so
    they mark everything rather than work out which pages.

    A web address typed without its scheme ("www.dorset.police.uk") is taken as https.
    """

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request, form, formsets, change):
        # After save_model and the inlines, in the admin's transaction.
        super().save_related(request, form, formsets, change)
        all_content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        all_content_changed()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            all_content_changed()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting to an earlier version (django-simple-history) saves the object and
        its many-to-many fields: one transaction, with the content change."""
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if request.method == "POST":
                all_content_changed()
        return response


@admin.register(Force)
class ForceAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "region", "country"]
    list_filter = ["country", "region"]
    search_fields = ["name", "slug", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Plan)
class PlanAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["title", "force", "first_quarter", "last_quarter", "is_published", "is_demo"]
    list_filter = ["is_published", "is_demo", "force__region"]
    search_fields = ["title", "summary", "force__name"]
    list_select_related = ["force"]
    autocomplete_fields = ["force"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only record of the return reminders sent by ``send_return_reminders`` and from
    the reminders page: who sent each, and when the task worker e-mailed it."""

    list_display = [
        "sent_at",
        "email",
        "force",
        "quarter",
        "sent_by",
        "emailed_at",
        "missing_count",
        "draft_count",
    ]
    list_filter = ["sent_on", "force__region"]
    search_fields = ["email", "force__name"]
    list_select_related = ["force", "sent_by"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
