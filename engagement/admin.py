from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.admin import VersionedAdmin
from engagement.models import Activity, EngagementAction
from plans.admin import PublicContentAdmin


class EngagementActionInline(admin.StackedInline):
    model = EngagementAction
    extra = 0
    raw_id_fields = ["deliverable"]


@admin.register(Activity)
class ActivityAdmin(PublicContentAdmin, VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "force", "held_on", "kind", "published_at"]
    list_filter = ["kind", "force"]
    search_fields = ["title"]
    inlines = [EngagementActionInline]
