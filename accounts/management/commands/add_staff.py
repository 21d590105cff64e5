"""Provision a staff account and print a one-time link to set its password.

    python manage.py add_staff alice@dorset.police.uk --role coordinator --force dorset
    python manage.py add_staff nadia@npcc.police.uk --role national --name "Nadia Khan"
    python manage.py add_staff priya@example.org --role panel --force dorset --name "Priya Shah"

A panel member (``--role panel``) belongs to the scrutiny panel of the force named by
``--force``, or to the national panel without it; they need the same second step as staff.

The account has no usable password until its owner follows the link (it works once, for
PASSWORD_RESET_TIMEOUT seconds, three days by default). If it expires, they ask for a new one
from "I have forgotten my password" on the sign-in page.
"""

import difflib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from plans.models import Force


def password_set_link(user: User) -> str:
    """An absolute, one-time link for ``user`` to choose a password."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


class Command(BaseCommand):
    help = (
        "Create a staff account (coordinator of one force, scrutiny panel member, national "
        "team or administrator) and print a one-time link to set its password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's work e-mail address; they sign in with it.")
        parser.add_argument(
            "--role",
            required=True,
            help="coordinator (needs --force), panel (a scrutiny panel member: --force for a "
            "force's panel, none for the national panel), national or administrator.",
        )
        parser.add_argument(
            "--force",
            help="The force's slug, e.g. dorset (coordinators and panel members only).",
        )
        parser.add_argument("--name", default="", help="The person's full name.")

    def handle(self, *args, email, role, force, name, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f'"{email}" is not an e-mail address.') from error
        roles = dict(User.Role.choices)
        if role not in roles:
            raise CommandError(f'Unknown role "{role}". Choose one of: {", ".join(roles)}.')
        chosen_force = self._force(role, force)
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(
                f"{email} already has an account. Change it in the Django admin; its owner can "
                "get a new password link from the sign-in page."
            )
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password=None,
                full_name=name.strip(),
                role=role,
                force=chosen_force,
                is_staff=role == User.Role.ADMINISTRATOR,
                is_superuser=role == User.Role.ADMINISTRATOR,
            )
        where = f" for {chosen_force.name}" if chosen_force else ""
        if role == User.Role.PANEL and chosen_force is None:
            where = " (the national panel)"
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        self.stdout.write(self.style.SUCCESS(f"Created {email}: {roles[role]}{where}."))
        self.stdout.write(
            f"Send this link to them privately. It sets their password, works once and "
            f"expires in {days} day{'s' if days != 1 else ''}:\n\n    {password_set_link(user)}\n"
        )

    def _force(self, role: str, slug: str | None) -> Force | None:
        if role == User.Role.PANEL and not slug:
            return None  # the national panel
        if role not in (User.Role.COORDINATOR, User.Role.PANEL):
            if slug:
                raise CommandError(
                    "Only a force coordinator or a panel member belongs to a force: leave out "
                    f"--force for the {role} role."
                )
            return None
        if not slug:
            raise CommandError(
                "A coordinator belongs to one force: add --force with its slug, e.g. "
                "--force dorset."
            )
        force = Force.objects.filter(slug=slug.strip().lower()).first()
        if force is None:
            slugs = list(Force.objects.values_list("slug", flat=True))
            if not slugs:
                raise CommandError(
                    "There are no forces yet: run python manage.py load_reference first."
                )
            close = difflib.get_close_matches(slug.lower(), slugs, n=3)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise CommandError(f'No force has the slug "{slug}".{hint}')
        return force
