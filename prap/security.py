"""Security events: sign-in and sign-out, refused access and changes to accounts.

Everything here writes to the ``prap.security`` logger, one JSON line per event with an
``event`` field (see README, "Operations"). Receivers are connected in ``PrapConfig.ready``.

Views refuse access in two ways, and both are logged by ``RequestLogMiddleware``:

- ``raise PermissionDenied`` (403), for a signed-in person without the right role;
- ``raise DeniedAsNotFound("deliverable of another force")``: a 404 exactly like ``Http404``
  to the person asking (another force's objects do not exist for a coordinator), recorded
  here as an access refusal with its reason.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.http import Http404

from prap.logs import update_context

logger = logging.getLogger("prap.security")

# Account fields whose change is a security event. Values are never logged, only the names.
WATCHED_ACCOUNT_FIELDS = (
    "email",
    "password",
    "role",
    "force_id",
    "is_active",
    "is_staff",
    "is_superuser",
)
_SNAPSHOT = "_prap_security_snapshot"


class DeniedAsNotFound(Http404):
    """A 404 for an object that exists but is not this person's to see. Logged as an access
    refusal; the response is the ordinary "Page not found"."""


def client_address(request) -> str:
    """The address of the person making the request. ``REMOTE_ADDR`` unless ``PROXY_HOPS``
    proxies in front of the application each append the address they saw to
    ``X-Forwarded-For``: then the entry the outermost of them added, which a client cannot
    forge (anything a client sends itself comes before it)."""
    hops = settings.PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return str(request.META.get("REMOTE_ADDR") or "")


def log_event(event: str, request=None, *, level: int = logging.INFO, **fields: Any) -> None:
    """Write one security event. ``fields`` must be plain data; never pass secrets."""
    extra: dict[str, Any] = {"event": event, **fields}
    if request is not None:
        extra["remote_addr"] = client_address(request)
    logger.log(level, event.replace("_", " "), extra=extra)


def _snapshot(instance) -> dict[str, Any]:
    # Only what is already loaded: reading a deferred field here would cost a query.
    return {
        name: instance.__dict__[name]
        for name in WATCHED_ACCOUNT_FIELDS
        if name in instance.__dict__
    }


def remember_account_state(sender, instance, **kwargs) -> None:
    setattr(instance, _SNAPSHOT, _snapshot(instance))


def account_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, _SNAPSHOT, {})
    after = _snapshot(instance)
    if created:
        log_event("account_created", target_user_id=instance.pk, role=instance.role)
    else:
        changed = sorted(
            name.removesuffix("_id")
            for name in WATCHED_ACCOUNT_FIELDS
            if name in before and name in after and before[name] != after[name]
        )
        if changed:
            fields: dict[str, Any] = {"target_user_id": instance.pk, "changed_fields": changed}
            for flag in ("is_active", "is_staff", "is_superuser", "role"):
                if flag in changed:
                    fields[flag] = after[flag]
            log_event("account_changed", **fields)
    setattr(instance, _SNAPSHOT, after)


def account_deleted(sender, instance, **kwargs) -> None:
    log_event("account_deleted", target_user_id=instance.pk)


def account_access_changed(sender, instance, action, model, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    user_model = get_user_model()
    if isinstance(instance, user_model):
        # user.groups.add(group): one account, these groups or permissions.
        changes = [(instance.pk, model._meta.model_name, sorted(pk_set or []))]
    else:
        # group.user_set.add(user): these accounts, this group or permission.
        changes = [(pk, instance._meta.model_name, [instance.pk]) for pk in sorted(pk_set or [])]
    for user_pk, what, ids in changes:
        log_event(
            "account_changed",
            target_user_id=user_pk,
            changed_fields=[what],
            action=action.removeprefix("post_"),
            ids=ids,
        )


def signed_in(sender, request, user, **kwargs) -> None:
    update_context(user_id=user.pk)
    log_event("sign_in_succeeded", request, target_user_id=user.pk)


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; log only who was tried.
    username_field = get_user_model().USERNAME_FIELD
    attempted = str(credentials.get(username_field) or credentials.get("username") or "")
    log_event(
        "sign_in_failed",
        request,
        level=logging.WARNING,
        attempted_username=attempted[:254],
    )


def signed_out(sender, request, user, **kwargs) -> None:
    log_event("signed_out", request, target_user_id=getattr(user, "pk", None))


def connect() -> None:
    user_model = get_user_model()
    uid = "prap.security"
    user_logged_in.connect(signed_in, dispatch_uid=f"{uid}.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid=f"{uid}.sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid=f"{uid}.signed_out")
    post_init.connect(remember_account_state, sender=user_model, dispatch_uid=f"{uid}.init")
    post_save.connect(account_saved, sender=user_model, dispatch_uid=f"{uid}.saved")
    post_delete.connect(account_deleted, sender=user_model, dispatch_uid=f"{uid}.deleted")
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(
            account_access_changed, sender=through, dispatch_uid=f"{uid}.{through.__name__}"
        )
