from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from prap.forms import GovukFormMixin


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": (
            "Enter a correct e-mail address and password. If you have forgotten your "
            "password, reset it below."
        ),
        "inactive": "This account has been deactivated. Ask your administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["username"].error_messages["required"] = "Enter your e-mail address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    """Also reaches accounts that have never set a password (provisioned with add_staff),
    so a person whose set-password link expired can ask for another one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your e-mail address",
                "invalid": "Enter an e-mail address in the right format, like name@police.uk",
            }
        )
        self.fields["email"].widget.attrs.update({"spellcheck": "false"})

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
