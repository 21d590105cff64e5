from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import forget_devices
from accounts.models import User
from prap.security import log_event

# Second-step devices hold secrets (the app's key, the recovery codes): nobody reads or edits
# them in the admin. Administrators reset a person's two-step verification from the user list.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role", "force"]


class ChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = ChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "force",
        "is_active",
        "has_authenticator",
        "last_login",
    ]
    actions = ["sign_out_everywhere", "reset_two_step_verification"]
    list_filter = ["role", "is_active", "is_staff", "force__region"]
    search_fields = ["email", "full_name", "force__name"]
    list_select_related = ["force"]
    autocomplete_fields = ["force"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name"]}),
        ("Role", {"fields": ["role", "force"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "force", "password1", "password2"],
            },
        ),
    ]

    def get_queryset(self, request):
        confirmed_app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(confirmed_app))

    @admin.display(boolean=True, description="Two-step set up", ordering="has_authenticator")
    def has_authenticator(self, user):
        return user.has_authenticator

    @admin.action(description="Sign out everywhere: end every session of the selected people")
    def sign_out_everywhere(self, request, queryset):
        ids = sorted(queryset.values_list("pk", flat=True))
        User.objects.filter(pk__in=ids).update(session_version=F("session_version") + 1)
        for pk in ids:
            log_event("sessions_ended_by_administrator", request, target_user_id=pk)
        self.message_user(
            request,
            f"Signed out everywhere: {len(ids)} {'person' if len(ids) == 1 else 'people'}. "
            "Their sessions end on their next request.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Reset two-step verification (lost phone and recovery codes) and sign out"
    )
    def reset_two_step_verification(self, request, queryset):
        people = list(queryset)
        with transaction.atomic():
            for person in people:
                forget_devices(person)
            User.objects.filter(pk__in=[p.pk for p in people]).update(
                session_version=F("session_version") + 1
            )
        for person in people:
            log_event("mfa_reset_by_administrator", request, target_user_id=person.pk)
        self.message_user(
            request,
            f"Two-step verification reset for {len(people)} "
            f"{'person' if len(people) == 1 else 'people'}: they set up an authenticator app "
            "at their next sign-in. Make sure it is really them who signs in next.",
            messages.SUCCESS,
        )
