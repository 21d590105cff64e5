"""Password-reset e-mails, sent by the task worker (README, "Background tasks").

The request that asks for a link only queues :func:`send_password_reset` with the address
typed, whether or not an account has it: the page then answers in the same time for every
address (sending inside the request took twice as long for a known address, which told
anyone who measured which addresses have accounts). The worker finds the accounts and sends
the links.
"""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django_tasks import task

SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"
BODY_TEMPLATE = "accounts/email/password_reset.txt"


@task()
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """E-mail a reset link to each active account with ``email`` (none: nothing is sent)."""
    from accounts.forms import PasswordResetForm

    form = PasswordResetForm(data={"email": email})
    form.cleaned_data = {"email": email}
    # Django's own save(): builds each link (uid, one-time token) and sends it, here in the
    # worker. The domain comes from the request that asked, which ALLOWED_HOSTS checked.
    auth_forms.PasswordResetForm.save(
        form,
        domain_override=domain,
        use_https=use_https,
        subject_template_name=SUBJECT_TEMPLATE,
        email_template_name=BODY_TEMPLATE,
    )
