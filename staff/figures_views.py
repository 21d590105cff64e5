"""Staff pages for loading a force's data.police.uk monthly stop and search files: upload,
check the preview (what the files count, and each count a month loaded before would change,
old → new), then confirm or cancel.

A force's own coordinators load its files; the national team and administrators load any
force's (``get_force_for_figures_upload``). Nothing is written before the confirmation. The
files are read and checked as they arrive (``indicators.police_uk``), and only what they
counted waits for the confirmation, in the database under a random token owned by the
uploading session (``indicators.StopSearchUpload``). The confirmation carries the preview's
fingerprint: if someone loaded one of the months meanwhile, nothing is written and the new
preview is shown.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from actions.spreadsheets.uploads import limit_upload_size, oversized_uploads, session_hash
from indicators import home_office
from indicators.forms import HomeOfficeTableForm, StopSearchUploadForm
from indicators.models import (
    MonthlyGroup,
    OfficialTableImport,
    StopSearchImport,
    StopSearchUpload,
)
from indicators.police_uk import UPLOAD_LIFETIME, Reading, load, max_bytes
from prap.forms import ErrorLink
from staff.access import get_force_for_figures_upload, require_national_editor


def _limit_upload_size(view):
    """Files over ``STOP_SEARCH_MAX_BYTES`` are skipped as they arrive (the spreadsheet
    uploads' mechanism, with this limit), and the form is told why."""
    return limit_upload_size(view, max_bytes=max_bytes)


def _oversized(request) -> str:
    names = oversized_uploads(request).values()
    if not names:
        return ""
    limit = max_bytes() / 1024 / 1024
    return (
        f"{', '.join(names)} is larger than {limit:.1f} MB, the largest file accepted "
        "(STOP_SEARCH_MAX_BYTES). Upload fewer months at a time."
    )


def _waiting(request, force, kind: str = "police-uk"):
    """This session's uploads of ``kind`` for ``force`` that have not expired."""
    return StopSearchUpload.objects.filter(
        session_hash=session_hash(request),
        kind=kind,
        force=force,
        saved_at__gt=timezone.now() - UPLOAD_LIFETIME,
    )


def _keep(request, *, kind: str, force, reading: dict) -> str:
    now = timezone.now()
    StopSearchUpload.objects.filter(saved_at__lte=now - UPLOAD_LIFETIME).delete()
    token = secrets.token_urlsafe(18)
    StopSearchUpload.objects.create(
        token=token,
        owner=request.user,
        session_hash=session_hash(request),
        kind=kind,
        force=force,
        reading=reading,
        saved_at=now,
    )
    return token


def _gone(request) -> None:
    messages.error(
        request,
        "Those files are no longer waiting to be loaded (they wait "
        f"{int(UPLOAD_LIFETIME.total_seconds() // 3600)} hours, until loaded or cancelled). "
        "Nothing was written: upload them again.",
    )


@_limit_upload_size
@require_http_methods(["GET", "HEAD", "POST"])
def stop_search_upload(request, slug: str):
    force = get_force_for_figures_upload(request.user, slug)
    posted = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    oversized = _oversized(request)
    form = StopSearchUploadForm(*posted, force=force, oversized=oversized)
    if request.method == "POST" and form.is_valid():
        token = _keep(request, kind="police-uk", force=force, reading=form.reading.to_json())
        return redirect("staff:stop_search_preview", slug=force.slug, upload=token)
    context = {
        "force": force,
        "form": form,
        "imports": StopSearchImport.objects.filter(force=force).select_related("imported_by")[:20],
        "max_megabytes": f"{max_bytes() / 1024 / 1024:.0f}",
        "upload_hours": int(UPLOAD_LIFETIME.total_seconds() // 3600),
    }
    return render(request, "indicators/stop_search_upload.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def stop_search_preview(request, slug: str, upload: str):
    force = get_force_for_figures_upload(request.user, slug)
    waiting = _waiting(request, force).filter(token=upload).first()
    if waiting is None:
        _gone(request)
        return redirect("staff:stop_search_upload", slug=force.slug)
    reading = Reading.from_json(force, waiting.reading)
    failure = ""
    if request.method == "POST":
        if request.POST.get("fingerprint") == reading.fingerprint():
            record = load(reading, by=request.user, now=timezone.now())
            waiting.delete()
            messages.success(
                request,
                f"Loaded {record.months} for {force.name}: {record.rows_read} searches from "
                f"{len(reading.files)} file{'s' if len(reading.files) != 1 else ''}.",
            )
            return redirect("staff:stop_search_upload", slug=force.slug)
        failure = (
            "Figures for these months were loaded since this page was shown, so nothing was "
            "written. Check the changes below and confirm again."
        )
    context = {
        "force": force,
        "waiting": waiting,
        "reading": reading,
        "groups": MonthlyGroup.values,
        "already_loaded": reading.already_loaded(),
        "changes": reading.changes(),
        "fingerprint": reading.fingerprint(),
        "errors": [ErrorLink("confirm", failure)] if failure else [],
    }
    return render(request, "indicators/stop_search_preview.html", context)


@require_POST
def stop_search_cancel(request, slug: str, upload: str):
    force = get_force_for_figures_upload(request.user, slug)
    deleted, _ = _waiting(request, force).filter(token=upload).delete()
    if deleted:
        messages.info(request, "Upload cancelled: nothing was loaded.")
    return redirect("staff:stop_search_upload", slug=force.slug)


# The Home Office's yearly table: the national team only. ---------------------------------


@_limit_upload_size
@require_http_methods(["GET", "HEAD", "POST"])
def home_office_upload(request):
    require_national_editor(request.user)
    posted = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    oversized = _oversized(request)
    form = HomeOfficeTableForm(*posted, today=timezone.localdate(), oversized=oversized)
    if request.method == "POST" and form.is_valid():
        token = _keep(request, kind="home-office", force=None, reading=form.reading.to_json())
        return redirect("staff:home_office_preview", upload=token)
    context = {
        "form": form,
        "imports": OfficialTableImport.objects.select_related("imported_by")[:20],
        "max_megabytes": f"{max_bytes() / 1024 / 1024:.0f}",
        "upload_hours": int(UPLOAD_LIFETIME.total_seconds() // 3600),
    }
    return render(request, "indicators/home_office_upload.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def home_office_preview(request, upload: str):
    require_national_editor(request.user)
    waiting = _waiting(request, None, kind="home-office").filter(token=upload).first()
    if waiting is None:
        _gone(request)
        return redirect("staff:home_office_upload")
    reading = home_office.TableReading.from_json(waiting.reading)
    failure = ""
    if request.method == "POST":
        if request.POST.get("fingerprint") == reading.fingerprint():
            record = home_office.load(reading, by=request.user, now=timezone.now())
            waiting.delete()
            messages.success(
                request, f"Loaded {record.years}: {record.rows_read} rows of {record.file_name}."
            )
            return redirect("staff:home_office_upload")
        failure = (
            "Figures for these years were loaded since this page was shown, so nothing was "
            "written. Check the changes below and confirm again."
        )
    context = {
        "waiting": waiting,
        "reading": reading,
        "already_loaded": reading.already_loaded(),
        "changes": reading.changes(),
        "fingerprint": reading.fingerprint(),
        "errors": [ErrorLink("confirm", failure)] if failure else [],
    }
    return render(request, "indicators/home_office_preview.html", context)


@require_POST
def home_office_cancel(request, upload: str):
    require_national_editor(request.user)
    deleted, _ = _waiting(request, None, kind="home-office").filter(token=upload).delete()
    if deleted:
        messages.info(request, "Upload cancelled: nothing was loaded.")
    return redirect("staff:home_office_upload")
