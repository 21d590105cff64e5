"""``check --deploy`` warns when a production configuration leaves staff without MFA."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mfa_is_required(app_configs, **kwargs):
    if settings.REQUIRE_MFA:
        return []
    return [
        Warning(
            "REQUIRE_MFA is off: staff can sign in with a password alone.",
            hint="Unset REQUIRE_MFA (it is on whenever DEBUG is off) or set REQUIRE_MFA=true.",
            id="accounts.W001",
        )
    ]
