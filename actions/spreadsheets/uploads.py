"""Receiving spreadsheet uploads, and keeping them between the preview and the confirmation.

A file larger than :data:`actions.spreadsheets.files.MAX_BYTES` is refused as it arrives: the
views that take uploads are wrapped in :func:`limit_upload_size`, which stops reading a file
once it passes the limit (the rest of it is discarded, never held in memory or written to
disk) and notes its name in ``request.oversized_uploads`` for the form to report.

Between the preview and the confirmation the uploaded files wait in the person's own
session, under a random token that the preview's address carries. Only the session that
uploaded a file can preview or import it, into the plan it was uploaded for; an upload that
is not imported or cancelled is forgotten after :data:`UPLOAD_LIFETIME`. Sessions live in the
database, so every web worker sees the same uploads.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import zlib
from dataclasses import dataclass, field
from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from actions.spreadsheets.files import MAX_BYTES, SpreadsheetFile
from plans.models import Plan

UPLOAD_LIFETIME = dt.timedelta(hours=2)
"""How long an uploaded file waits for its confirmation."""

MAX_WAITING_UPLOADS = 3
"""Uploads kept per session: uploading another forgets the oldest."""

_SESSION_KEY = "spreadsheet_uploads"


# Receiving -----------------------------------------------------------------------------------


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips any uploaded file as soon as it is larger than ``MAX_BYTES``."""

    def __init__(self, request):
        super().__init__(request)
        self.received = 0
        request.oversized_uploads = {}

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.request.oversized_uploads[self.field_name] = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload_size(view):
    """Wrap a view that takes spreadsheet uploads (see the module's docstring).

    The upload handler must be in place before anything reads the request body, which the
    CSRF check does; so the check moves inside, as Django's documentation describes.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
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
    plan_id: int
    quarter: str
    files: list[UploadedFile]
    saved_at: dt.datetime
    result: dict = field(default_factory=dict)

    @property
    def file_names(self) -> str:
        return " and ".join(file.name for file in self.files) or self.result.get("files", "")

    def as_session_data(self) -> dict:
        return {
            "kind": self.kind,
            "plan": self.plan_id,
            "quarter": self.quarter,
            "files": [[f.name, _pack(f.data)] for f in self.files],
            "saved_at": self.saved_at.isoformat(),
            "result": self.result,
        }

    @classmethod
    def from_session_data(cls, token: str, data: dict) -> WaitingUpload:
        return cls(
            token=token,
            kind=data["kind"],
            plan_id=data["plan"],
            quarter=data["quarter"],
            files=[UploadedFile(name, _unpack(packed)) for name, packed in data["files"]],
            saved_at=dt.datetime.fromisoformat(data["saved_at"]),
            result=data["result"],
        )


def keep_upload(
    request, *, kind: str, plan: Plan, files: list[UploadedFile], quarter: str = ""
) -> str:
    """Keep the files in the session until they are imported or cancelled; the token."""
    now = timezone.now()
    waiting = _live_entries(request, now)
    token = secrets.token_urlsafe(18)
    upload = WaitingUpload(token, kind, plan.pk, quarter, files, now)
    waiting[token] = upload.as_session_data()
    oldest_first = sorted(waiting, key=lambda key: waiting[key]["saved_at"])
    for key in oldest_first[:-MAX_WAITING_UPLOADS]:
        del waiting[key]
    request.session[_SESSION_KEY] = waiting
    return token


def find_upload(request, token: str, *, kind: str, plan: Plan) -> WaitingUpload | None:
    """This session's upload with this token, for this kind of import into this plan."""
    data = _live_entries(request, timezone.now()).get(token)
    if data is None or data["kind"] != kind or data["plan"] != plan.pk:
        return None
    return WaitingUpload.from_session_data(token, data)


def mark_imported(request, upload: WaitingUpload, result: dict) -> None:
    """Forget the files, and remember what their import wrote (for the result page)."""
    waiting = _live_entries(request, timezone.now())
    upload.result = {**result, "files": upload.file_names}
    upload.files = []
    waiting[upload.token] = upload.as_session_data()
    request.session[_SESSION_KEY] = waiting


def discard_upload(request, token: str, *, plan: Plan) -> WaitingUpload | None:
    """Forget this session's upload for ``plan`` with this token; the upload, if there was one."""
    waiting = _live_entries(request, timezone.now())
    data = waiting.get(token)
    if data is None or data["plan"] != plan.pk:
        return None
    del waiting[token]
    request.session[_SESSION_KEY] = waiting
    return WaitingUpload.from_session_data(token, data)


def _live_entries(request, now: dt.datetime) -> dict:
    entries = request.session.get(_SESSION_KEY, {})
    live = {
        token: data
        for token, data in entries.items()
        if now - dt.datetime.fromisoformat(data["saved_at"]) < UPLOAD_LIFETIME
    }
    if len(live) != len(entries):
        request.session[_SESSION_KEY] = live
    return live


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data)).decode("ascii")


def _unpack(text: str) -> bytes:
    return zlib.decompress(base64.b64decode(text))
