"""``check --deploy`` refuses a production configuration that would print e-mail to the log.

Password-reset messages carry working reset links: with the console (or in-memory, or
dummy) backend and ``DEBUG`` off, they would go to the server log instead of the person.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

NOT_SENT = {
    "django.core.mail.backends.console.EmailBackend": "printed to the server log",
    "django.core.mail.backends.filebased.EmailBackend": "written to files on the server",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory and lost",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
}


@register(Tags.security, deploy=True)
def email_is_really_sent(app_configs, **kwargs):
    fate = NOT_SENT.get(settings.EMAIL_BACKEND)
    if settings.DEBUG or fate is None:
        return []
    return [
        Error(
            f"E-mail is {fate} ({settings.EMAIL_BACKEND}), with DEBUG off: password-reset "
            "links and reminders would never reach anyone, and the console backend would "
            "print working reset links to the log.",
            hint="Set EMAIL_URL to your mail server, e.g. smtp+tls://user:pass@smtp.example.org:587.",
            id="prap.E001",
        )
    ]
