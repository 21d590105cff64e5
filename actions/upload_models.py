"""Spreadsheet uploads waiting for their confirmation (``actions.spreadsheets.uploads``).

In the database, keyed by a random token and owned by the session that uploaded them: not in
the session itself, which every request of that person loads and saves (three 4.5 MB uploads
in the session made every one of their pages four times slower).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StoredUpload(models.Model):
    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: SHA-256 of the uploading session's key: only that session may preview or import it.
    session_hash = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10)
    #: The plan a plan or return upload is for; an engagement log upload has its force instead.
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    force = models.ForeignKey(
        "plans.Force", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    quarter = models.CharField(max_length=10, blank=True)
    #: ``[[file name, zlib-compressed base64 content], ...]``; empty once imported.
    files = models.JSONField(default=list)
    #: What the import wrote, once it has run (for the result page).
    result = models.JSONField(default=dict)
    saved_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "actions"

    def __str__(self) -> str:
        target = f"plan {self.plan_id}" if self.plan_id else f"force {self.force_id}"
        return f"{self.kind} upload for {target} at {self.saved_at:%Y-%m-%d %H:%M}"
