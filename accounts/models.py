from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in matches the e-mail address in any case."""
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", User.Role.ADMINISTRATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Signs in with e-mail; the public never has an account.

    A coordinator belongs to exactly one force; the national team and administrators
    belong to none. A scrutiny panel member belongs to the panel of one force (``force``),
    or to the national panel (no force); they read only what the public reads, and write
    only their panel's views (``panels``).
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Force coordinator"
        NATIONAL = "national", "National team"
        ADMINISTRATOR = "administrator", "Administrator"
        PANEL = "panel", "Scrutiny panel member"

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.COORDINATOR)
    force = models.ForeignKey(
        "plans.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="Required for a force coordinator; for a scrutiny panel member, the force "
        "their panel scrutinises (empty for the national panel); empty for everyone else.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick to deactivate: the person can no longer sign in."
    )
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="Can sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    session_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to end every session of the account (Sign out everywhere).",
    )
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text="A demonstration account, created with the demonstration data.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                name="coordinator_has_exactly_one_force",
                condition=(Q(role="coordinator") & Q(force__isnull=False))
                | Q(role="panel")
                | (~Q(role__in=["coordinator", "panel"]) & Q(force__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        if self.role == self.Role.COORDINATOR and self.force_id is None:
            raise ValidationError({"force": "Choose the force this coordinator works for."})
        if self.role not in (self.Role.COORDINATOR, self.Role.PANEL) and self.force_id:
            raise ValidationError(
                {"force": "Only a force coordinator or a panel member belongs to a force."}
            )

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR

    @property
    def is_national(self) -> bool:
        return self.role == self.Role.NATIONAL

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR

    @property
    def is_panel_member(self) -> bool:
        return self.is_active and self.role == self.Role.PANEL

    # The access rule for force data. Every staff view reaches force objects through
    # accounts.access, which applies these two methods and nothing else.

    @property
    def reads_every_force(self) -> bool:
        """The national team and administrators read every force's data (never edit it)."""
        return self.is_active and self.role in {self.Role.NATIONAL, self.Role.ADMINISTRATOR}

    def can_read_force(self, force_id: int | None) -> bool:
        return self.reads_every_force or self.can_edit_force(force_id)

    def can_edit_force(self, force_id: int | None) -> bool:
        """Only a force's own coordinators change its plan, deliverables and updates."""
        return (
            self.is_active
            and self.is_coordinator
            and force_id is not None
            and self.force_id == force_id
        )

    @property
    def can_edit_national_data(self) -> bool:
        """National actions and practice examples: the national team and administrators."""
        return self.reads_every_force


class Attempt(models.Model):
    """Attempts counted per minute for the throttles (accounts/throttle.py): wrong passwords
    and password-reset requests. In the database, so every worker of every instance counts
    the same attempts, with or without a shared cache. Holds digests, never the address or
    e-mail typed."""

    scope = models.CharField(max_length=20)
    digest = models.CharField(max_length=32)
    minute = models.BigIntegerField(help_text="Minutes since the Unix epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "digest", "minute"], name="attempt_one_row_per_minute"
            )
        ]
        indexes = [models.Index(fields=["minute"], name="attempt_minute")]

    def __str__(self) -> str:
        return f"{self.count} attempts ({self.scope}, minute {self.minute})"


class SignInPause(models.Model):
    """A cool-off: sign-in refused for ``scope``/``digest`` until ``until``."""

    scope = models.CharField(max_length=20)
    digest = models.CharField(max_length=32)
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "digest"], name="sign_in_pause_one_per_key")
        ]

    def __str__(self) -> str:
        return f"Sign-in paused ({self.scope}) until {self.until:%Y-%m-%d %H:%M}"


class KeptForm(models.Model):
    """What a person sent in a staff form after their session had ended, kept for them alone
    for ``KEPT_FORM_SECONDS`` so that, once signed in again, they get the form back filled in
    (``accounts.kept_forms``). Never holds passwords or files."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000)  # with its query string, as sent
    values = models.JSONField()  # field name -> the list of values sent
    files_left_out = models.BooleanField(default=False)
    kept_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "path"])]

    def __str__(self) -> str:
        return f"{self.path} for user {self.user_id}"
