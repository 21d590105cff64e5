"""Sign-in, the second step and passwords under /accounts/. There is no sign-up: accounts
are provisioned (``add_staff`` or the Django admin). Django's own views where it has them, with
GOV.UK templates and forms.
"""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm, SignInForm
from accounts.mfa import mfa_not_required

app_name = "accounts"

urlpatterns = [
    path(
        "sign-in/",
        views.SignInView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("sign-out/", mfa_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("two-step/", views.mfa_manage, name="mfa_manage"),
    path("two-step/set-up/", views.mfa_setup, name="mfa_setup"),
    path("two-step/verify/", views.mfa_verify, name="mfa_verify"),
    path("two-step/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path(
        "two-step/recovery-codes/new/",
        views.mfa_recovery_codes_new,
        name="mfa_recovery_codes_new",
    ),
    path("confirm-password/", views.confirm_password, name="confirm_password"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            template_name="accounts/user_password_change.html",
            form_class=PasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/user_password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            template_name="accounts/user_password_reset.html",
            form_class=PasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/user_password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/user_password_set.html",
            form_class=SetPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/user_password_set_done.html"
        ),
        name="password_reset_complete",
    ),
]
