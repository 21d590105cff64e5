"""Administrators answer a person who asks what is held about their e-mail address, or to be
forgotten: search the address, read its subscriptions, delete them (their delivery records
go with them). Nothing else is changed here: a subscription is its owner's, made and ended
by the links in the e-mails."""

from django.contrib import admin

from alerts.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "force", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "force"]
    search_fields = ["email"]
    fields = ["email", "force", "created_at", "confirmed_at"]
    readonly_fields = fields
    ordering = ["email", "force__name"]
    list_select_related = ["force"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
