"""Uploading a force's engagement log from the workbook it downloads: upload, see exactly
what it would change, then confirm or cancel (the plan spreadsheets' flow: the file waits in
the database meanwhile, and the import refuses to run if the log changed since the preview).

Only the force's coordinators may upload (``write=True``): another force is a 404 and the
national team, who may read every log, gets a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from actions.forms import ConfirmImportForm
from actions.spreadsheets.preview import ImportFailed, ImportPreview, apply_import
from actions.spreadsheets.uploads import (
    discard_upload,
    find_upload,
    keep_upload,
    limit_upload_size,
    mark_imported,
    oversized_uploads,
)
from engagement.forms import EngagementUploadForm
from engagement.spreadsheet_import import EngagementImport
from prap.forms import ErrorLink
from staff.access import get_force_for_user
from staff.upload_pages import posted, preview_tables, row_anchor, upload_gone, upload_limits

KIND = "engagement"


@limit_upload_size
@require_http_methods(["GET", "HEAD", "POST"])
def engagement_upload(request, slug: str):
    force = get_force_for_user(request.user, slug, write=True)
    form = EngagementUploadForm(*posted(request), oversized=oversized_uploads(request))
    if request.method == "POST" and form.is_valid():
        preview = EngagementImport(force, form.spreadsheets["log_file"]).preview()
        form.add_file_problems(preview.problems, {})
        if not preview.problems:
            token = keep_upload(request, kind=KIND, force=force, files=form.files_uploaded)
            return redirect("staff:engagement_upload_preview", slug=force.slug, upload=token)
    context = {"force": force, "plan": None, "kind": KIND, "form": form, **upload_limits()}
    return render(request, "actions/spreadsheet_upload.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def engagement_upload_preview(request, slug: str, upload: str):
    force = get_force_for_user(request.user, slug, write=True)
    waiting = find_upload(request, upload, kind=KIND, force=force)
    log = reverse("staff:activities", args=[force.slug])
    if waiting is None:
        return upload_gone(request, reverse("staff:engagement_upload", args=[force.slug]))
    if waiting.result:
        messages.info(request, "This file has already been imported: nothing more was written.")
        return redirect(log)
    source = EngagementImport(force, waiting.files[0].read())
    failure, shown = "", None
    if request.method == "POST":
        form = ConfirmImportForm(request.POST)
        if form.is_valid():
            try:
                applied = apply_import(
                    source.preview(),
                    user=request.user,
                    now=timezone.now(),
                    expected_fingerprint=form.expected_fingerprint,
                )
            except ImportFailed as error:
                failure, shown = str(error), error.preview
            else:
                mark_imported(request, waiting, _result(applied))
                messages.success(
                    request,
                    f"Imported {waiting.file_names}: {applied.counts}. New activities are "
                    "drafts: publish each from its page.",
                )
                return redirect(log)
        else:
            failure = (
                "This page was out of date, so nothing was written. Check the preview and "
                "confirm again."
            )
    preview = shown or source.preview()
    errors = [ErrorLink("confirm", failure)] if failure else []
    errors += [
        ErrorLink(row_anchor(problem.sheet, problem.row) if problem.row else "", str(problem))
        for problem in preview.errors
    ]
    context = {
        "force": force,
        "plan": None,
        "waiting": waiting,
        "kind": KIND,
        "preview": preview,
        "tables": preview_tables(preview),
        "form": ConfirmImportForm(initial={"fingerprint": preview.fingerprint}),
        "errors": errors,
        "can_confirm": preview.has_changes and preview.is_valid,
        "cancel_url": reverse("staff:engagement_upload_cancel", args=[force.slug, waiting.token]),
        "upload_url": reverse("staff:engagement_upload", args=[force.slug]),
    }
    return render(request, "actions/spreadsheet_preview.html", context)


@require_POST
def engagement_upload_cancel(request, slug: str, upload: str):
    """Forget an uploaded log without importing it."""
    force = get_force_for_user(request.user, slug, write=True)
    waiting = discard_upload(request, upload, force=force)
    if waiting is not None and not waiting.result:
        messages.info(request, f"Import of {waiting.file_names} cancelled: nothing was changed.")
    return redirect("staff:activities", slug=force.slug)


def _result(applied: ImportPreview) -> dict:
    return {"description": applied.description, "counts": str(applied.counts)}
