"""Administrators set panels up, and are the only ones who withdraw a published view.

A view is withdrawn by typing the public reason into "withdrawn reason" and saving: that
calls :meth:`PanelView.withdraw`, the same rule as everywhere else. Nothing else of a view
or a reply changes here: they are the panel's and the force's own words.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from panels.models import Panel, PanelReply, PanelView
from plans.admin import PublicContentAdmin


@admin.register(Panel)
class PanelAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["name", "force", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(PanelView)
class PanelViewAdmin(PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "verdict", "published_at", "withdrawn_at"]
    list_filter = ["verdict", "panel"]
    fields = [
        "panel",
        "force",
        "quarter",
        "deliverable",
        "verdict",
        "reasons",
        "evidence",
        "published_at",
        "withdrawn_at",
        "withdrawn_reason",
    ]
    readonly_fields = [name for name in fields if name != "withdrawn_reason"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.is_withdrawn or not obj.is_published):
            return self.fields  # a draft is the panel's; a withdrawal is final
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if "withdrawn_reason" in form.changed_data and not obj.is_withdrawn:
            obj.withdraw(request.user, timezone.now(), obj.withdrawn_reason)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithdrawalForm(form):
            def clean_withdrawn_reason(self):
                reason = self.cleaned_data.get("withdrawn_reason", "")
                if self.instance.pk and not self.instance.is_published and reason:
                    raise ValidationError("Only a published view can be withdrawn.")
                return reason

        return WithdrawalForm


@admin.register(PanelReply)
class PanelReplyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "published_at"]
    readonly_fields = ["view", "text", "published_at", "author"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
