from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.admin import PublicContentAdmin
from workstreams.models import NationalAction, PracticeExample, Workstream


@admin.register(Workstream)
class WorkstreamAdmin(PublicContentAdmin, admin.ModelAdmin):
    list_display = ["order", "name", "slug", "national_name", "also_called"]
    list_display_links = ["name"]
    search_fields = ["name", "also_called", "national_name"]


@admin.register(NationalAction)
class NationalActionAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "workstream"]
    list_filter = ["workstream"]
    search_fields = ["code", "title", "description"]
    list_select_related = ["workstream"]


@admin.register(PracticeExample)
class PracticeExampleAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["title", "force", "workstream", "is_demo", "updated_at"]
    list_filter = ["workstream", "is_demo", "force__region"]
    search_fields = ["title", "summary", "force__name"]
    list_select_related = ["force", "workstream"]
    autocomplete_fields = ["force"]
