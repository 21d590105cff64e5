"""Receiving spreadsheet uploads, and keeping them between the preview and the confirmation.

A file larger than :data:`actions.spreadsheets.files.MAX_BYTES` is refused as it arrives: the
views that take uploads are wrapped in :func:`limit_upload_size`, which stops reading a file
once it passes the limit (the rest of it is discarded, never held in memory or written to
disk) and notes its name in ``request.oversized_uploads`` for the form to report.

Between the preview and the confirmation the uploaded files wait in the database
(:class:`actions.upload_models.StoredUpload`), under a random token that the preview's
address carries, owned by the session that uploaded them (not in the session, which every
request loads). Only that session can preview or import them, into the plan they were
uploaded for; an upload that is not imported or cancelled is forgotten after
:data:`UPLOAD_LIFETIME`. Every web worker sees the same uploads.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from actions.spreadsheets.files import MAX_BYTES, SpreadsheetFile
from actions.upload_models import StoredUpload
from plans.models import Force, Plan

UPLOAD_LIFETIME = dt.timedelta(hours=2)
"""How long an uploaded file waits for its confirmation."""

MAX_WAITING_UPLOADS = 3
"""Uploads kept per session: uploading another forgets the oldest."""


# Receiving -----------------------------------------------------------------------------------


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips any uploaded file as soon as it is larger than ``request.upload_max_bytes``
    (set by :func:`limit_upload_size`)."""

    def __init__(self, request):
        super().__init__(request)
        self.received = 0
        request.oversized_uploads = {}

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.request.upload_max_bytes:
            self.request.oversized_uploads[self.field_name] = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload_size(view=None, *, max_bytes: Callable[[], int] = lambda: MAX_BYTES):
    """Wrap a view that takes uploads (see the module's docstring): files larger than
    ``max_bytes()`` (read at each request, so a setting can change it) are skipped as they
    arrive. ``@limit_upload_size`` or ``@limit_upload_size(max_bytes=...)``.

    The upload handler must be in place before anything reads the request body, which the
    CSRF check does; so the check moves inside, as Django's documentation describes.
    """
    if view is None:
        return lambda view: limit_upload_size(view, max_bytes=max_bytes)
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_max_bytes = max_bytes()
        request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def oversized_uploads(request) -> dict[str, str]:
    """``{field name: file name}`` of the files skipped for being too large."""
    return getattr(request, "oversized_uploads", {})


# Waiting for confirmation ----------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes

    def read(self) -> SpreadsheetFile:
        return SpreadsheetFile.from_bytes(self.data, self.name)


@dataclass
class WaitingUpload:
    """Files uploaded for one plan's import, waiting for the person to confirm it.

    ``kind`` is ``"plan"`` or ``"return"``; ``quarter`` is the return's (``"2025-Q2"``).
    Once imported, ``result`` holds what was written (and the files are dropped).
    """

    token: str
    kind: str
    plan_id: int | None
    quarter: str
    files: list[UploadedFile]
    saved_at: dt.datetime
    result: dict = field(default_factory=dict)

    @property
    def file_names(self) -> str:
        return " and ".join(file.name for file in self.files) or self.result.get("files", "")

    @classmethod
    def from_stored(cls, stored: StoredUpload) -> WaitingUpload:
        return cls(
            token=stored.token,
            kind=stored.kind,
            plan_id=stored.plan_id,
            quarter=stored.quarter,
            files=[UploadedFile(name, _unpack(packed)) for name, packed in stored.files],
            saved_at=stored.saved_at,
            result=stored.result,
        )


def session_hash(request) -> str:
    """What identifies the uploading session in the database (never the key itself)."""
    if request.session.session_key is None:
        request.session.save()
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()


def _live(request, now: dt.datetime):
    """This session's uploads that have not expired."""
    return StoredUpload.objects.filter(
        session_hash=session_hash(request), saved_at__gt=now - UPLOAD_LIFETIME
    )


def keep_upload(
    request,
    *,
    kind: str,
    files: list[UploadedFile],
    plan: Plan | None = None,
    force: Force | None = None,
    quarter: str = "",
) -> str:
    """Keep the files, uploaded for ``plan`` (a plan or return) or ``force`` (its engagement
    log), until they are imported or cancelled; the token."""
    now = timezone.now()
    # Expired uploads, anyone's, are forgotten here: nothing else needs to clear them.
    StoredUpload.objects.filter(saved_at__lte=now - UPLOAD_LIFETIME).delete()
    token = secrets.token_urlsafe(18)
    StoredUpload.objects.create(
        token=token,
        owner=request.user,
        session_hash=session_hash(request),
        kind=kind,
        plan=plan,
        force=force,
        quarter=quarter,
        files=[[f.name, _pack(f.data)] for f in files],
        saved_at=now,
    )
    kept = list(_live(request, now).order_by("-saved_at", "-pk").values_list("pk", flat=True))
    StoredUpload.objects.filter(pk__in=kept[MAX_WAITING_UPLOADS:]).delete()
    return token


def find_upload(
    request, token: str, *, kind: str, plan: Plan | None = None, force: Force | None = None
) -> WaitingUpload | None:
    """This session's upload with this token, for this kind of import into this plan (or
    this force's engagement log)."""
    stored = (
        _live(request, timezone.now())
        .filter(token=token, kind=kind, plan=plan, force=force)
        .first()
    )
    return None if stored is None else WaitingUpload.from_stored(stored)


def mark_imported(request, upload: WaitingUpload, result: dict) -> None:
    """Forget the files, and remember what their import wrote (for the result page)."""
    upload.result = {**result, "files": upload.file_names}
    upload.files = []
    _live(request, timezone.now()).filter(token=upload.token).update(files=[], result=upload.result)


def discard_upload(
    request, token: str, *, plan: Plan | None = None, force: Force | None = None
) -> WaitingUpload | None:
    """Forget this session's upload for ``plan`` (or ``force``'s engagement log) with this
    token; the upload, if there was one."""
    stored = _live(request, timezone.now()).filter(token=token, plan=plan, force=force).first()
    if stored is None:
        return None
    stored.delete()
    return WaitingUpload.from_stored(stored)


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data)).decode("ascii")


def _unpack(text: str) -> bytes:
    return zlib.decompress(base64.b64decode(text))
