"""Staff pages for spreadsheets: download a plan or a quarterly return, upload it back, see
exactly what it would change, then confirm or cancel.

Anyone who may read a force's plan may download it (the national team included). Only the
force's coordinators may upload: every upload page goes through the access rule with
``write=True``, so another force's plan is a 404 and the national team gets a 403. Nothing
is written before the person confirms the preview; the uploaded files wait in their session
meanwhile (``actions.spreadsheets.uploads``), and the import refuses to run if the data
changed since the preview was shown (the preview's fingerprint travels in the confirmation
form).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.forms import ConfirmImportForm, PlanUploadForm, ReturnUploadForm
from actions.models import Deliverable, Milestone, QuarterlyUpdate
from actions.spreadsheets.exports import ExportFile, export_plan, export_return
from actions.spreadsheets.files import MILESTONES, PLAN
from actions.spreadsheets.plan_import import PlanImport
from actions.spreadsheets.preview import ImportFailed, ImportPreview, Outcome, apply_import
from actions.spreadsheets.return_import import ReturnImport
from actions.spreadsheets.uploads import (
    WaitingUpload,
    discard_upload,
    find_upload,
    keep_upload,
    limit_upload_size,
    mark_imported,
    oversized_uploads,
)
from plans.forms import QuarterChoiceForm
from plans.models import Plan
from plans.quarters import Quarter, quarter_just_ended
from prap.forms import ErrorLink
from staff.access import get_plan_for_user
from staff.upload_pages import posted, preview_tables, row_anchor, upload_gone, upload_limits

# Downloads ---------------------------------------------------------------------------------


@require_safe
def plan_download(request, plan_id: int, part: str, file_format: str):
    """The plan as a workbook, or one of its two CSV files (``part``: plan or milestones)."""
    plan = get_plan_for_user(request.user, plan_id)
    plan_file, *milestones_file = export_plan(plan, file_format, on=timezone.localdate())
    return _attachment(milestones_file[0] if part == "milestones" else plan_file)


@require_safe
def return_download(request, plan_id: int, file_format: str):
    """The quarterly return for ``?quarter=`` (by default the quarter just ended)."""
    plan = get_plan_for_user(request.user, plan_id)
    quarter = _requested_quarter(request, timezone.localdate())
    return _attachment(export_return(plan, quarter, file_format))


def _attachment(exported: ExportFile) -> HttpResponse:
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.name)
    return response


def _requested_quarter(request, today: dt.date) -> Quarter:
    text = request.GET.get("quarter", "")
    if not text:
        return quarter_just_ended(today)
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise Http404("No such quarter.") from error


def _return_quarters(request, plan: Plan, today: dt.date) -> tuple[list[Quarter], Quarter]:
    """The quarters a return can be uploaded for, newest first, and the one asked for."""
    picker = QuarterChoiceForm.for_plans(
        request.GET, [plan], quarter_just_ended(today), Quarter.containing(today)
    )
    return picker.fields["quarter"].quarters, picker.chosen


# Uploads -----------------------------------------------------------------------------------


@limit_upload_size
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request, plan_id: int):
    plan = get_plan_for_user(request.user, plan_id, write=True)
    form = PlanUploadForm(*posted(request), oversized=oversized_uploads(request))
    if request.method == "POST" and form.is_valid():
        milestones = form.spreadsheets.get("milestones_file")
        preview = PlanImport(plan, form.spreadsheets["plan_file"], milestones).preview()
        form.add_file_problems(
            preview.problems,
            {
                PLAN.title: "plan_file",
                MILESTONES.title: "milestones_file" if milestones else "plan_file",
            },
        )
        if not preview.problems:
            token = keep_upload(request, kind="plan", plan=plan, files=form.files_uploaded)
            return redirect("staff:plan_import_preview", plan_id=plan.pk, upload=token)
    context = {
        "force": plan.force,
        "plan": plan,
        "kind": "plan",
        "form": form,
        "quarter": quarter_just_ended(timezone.localdate()),
        **upload_limits(),
    }
    return render(request, "actions/spreadsheet_upload.html", context)


@limit_upload_size
@require_http_methods(["GET", "HEAD", "POST"])
def return_import(request, plan_id: int):
    plan = get_plan_for_user(request.user, plan_id, write=True)
    quarters, default = _return_quarters(request, plan, timezone.localdate())
    form = ReturnUploadForm(
        *posted(request),
        quarters=quarters,
        default=default,
        oversized=oversized_uploads(request),
    )
    if request.method == "POST" and form.is_valid():
        quarter = form.chosen_quarter
        preview = ReturnImport(plan, quarter, form.spreadsheets["return_file"]).preview()
        form.add_file_problems(preview.problems, {})
        if not preview.problems:
            token = keep_upload(
                request,
                kind="return",
                plan=plan,
                files=form.files_uploaded,
                quarter=quarter.compact,
            )
            return redirect("staff:return_import_preview", plan_id=plan.pk, upload=token)
    context = {
        "force": plan.force,
        "plan": plan,
        "kind": "return",
        "form": form,
        "quarter": _chosen_quarter(form, default),
        **upload_limits(),
    }
    return render(request, "actions/spreadsheet_upload.html", context)


def _chosen_quarter(form: ReturnUploadForm, default: Quarter) -> Quarter:
    """The quarter picked in a submitted form, even when its file was refused."""
    chosen = form.cleaned_data.get("quarter") if form.is_bound else None
    return chosen or default


# Preview, confirm, cancel ----------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def plan_import_preview(request, plan_id: int, upload: str):
    plan = get_plan_for_user(request.user, plan_id, write=True)
    waiting = find_upload(request, upload, kind="plan", plan=plan)
    if waiting is None:
        return upload_gone(request, reverse("staff:plan_import", args=[plan.pk]))
    if waiting.result:
        return _imported(request, plan, waiting)
    sources = {False: PlanImport(plan, *(file.read() for file in waiting.files))}
    return _preview_or_confirm(request, plan, waiting, sources)


@require_http_methods(["GET", "HEAD", "POST"])
def return_import_preview(request, plan_id: int, upload: str):
    plan = get_plan_for_user(request.user, plan_id, write=True)
    waiting = find_upload(request, upload, kind="return", plan=plan)
    if waiting is None:
        return upload_gone(request, reverse("staff:return_import", args=[plan.pk]))
    if waiting.result:
        return _imported(request, plan, waiting)
    quarter, file = Quarter.parse(waiting.quarter), waiting.files[0].read()
    sources = {
        publish: ReturnImport(plan, quarter, file, publish=publish) for publish in (False, True)
    }
    return _preview_or_confirm(request, plan, waiting, sources)


@require_POST
def import_cancel(request, plan_id: int, upload: str):
    """Forget an uploaded file without importing it."""
    plan = get_plan_for_user(request.user, plan_id, write=True)
    waiting = discard_upload(request, upload, plan=plan)
    if waiting is not None and not waiting.result:
        messages.info(request, f"Import of {waiting.file_names} cancelled: nothing was changed.")
    if waiting is not None and waiting.kind == "return":
        return redirect(
            f"{reverse('staff:return', args=[plan.force.slug])}?quarter={waiting.quarter}"
        )
    return redirect("staff:dashboard", slug=plan.force.slug)


def _preview_or_confirm(request, plan: Plan, waiting: WaitingUpload, sources: dict):
    """GET: the preview of the waiting upload. POST: import it, if it still gives the
    preview the person saw; otherwise say why nothing was written and show the new preview.
    ``sources`` holds the import by whether it publishes (returns only)."""
    publishable = waiting.kind == "return"
    publishing = False
    failure = ""
    shown: ImportPreview | None = None
    if request.method == "POST":
        form = ConfirmImportForm(request.POST, publishable=publishable)
        if form.is_valid():
            publishing = form.publishing
            now = timezone.now()
            try:
                applied = apply_import(
                    sources[publishing].preview(),
                    user=request.user,
                    now=now,
                    expected_fingerprint=form.expected_fingerprint,
                )
            except ImportFailed as error:
                failure, shown = str(error), error.preview
            else:
                result = _result(applied, plan, request.user, now)
                mark_imported(request, waiting, result)
                return redirect(request.path)
        else:
            publishing = publishable and bool(request.POST.get("publish"))
            failure = (
                "This page was out of date, so nothing was written. Check the preview and "
                "confirm again."
            )
    previews = {
        publish: shown if shown is not None and publish == publishing else source.preview()
        for publish, source in sources.items()
    }
    preview = previews[publishing]
    form = ConfirmImportForm(
        initial={
            "fingerprint": previews[False].fingerprint,
            "publish_fingerprint": previews[True].fingerprint if publishable else "",
            "publish": publishing,
        },
        publishable=publishable,
    )
    errors = [ErrorLink("confirm", failure)] if failure else []
    errors += [
        ErrorLink(row_anchor(problem.sheet, problem.row) if problem.row else "", str(problem))
        for problem in preview.errors
    ]
    context = {
        "force": plan.force,
        "plan": plan,
        "waiting": waiting,
        "kind": waiting.kind,
        "quarter": Quarter.parse(waiting.quarter) if waiting.quarter else None,
        "preview": preview,
        "publish_preview": previews.get(True) if not publishing else None,
        "to_publish": _published_by(previews[True]) if publishable else 0,
        "tables": preview_tables(preview),
        "form": form,
        "errors": errors,
        # A return whose updates cannot all be published may still be saved as drafts.
        "can_confirm": any(p.has_changes and p.is_valid for p in previews.values()),
        "cancel_url": reverse("staff:import_cancel", args=[plan.pk, waiting.token]),
        "upload_url": reverse(f"staff:{waiting.kind}_import", args=[plan.pk]),
    }
    return render(request, "actions/spreadsheet_preview.html", context)


def _published_by(preview: ImportPreview) -> int:
    """How many updates a publishing return import publishes (new ones and drafts)."""
    return sum(
        row.outcome == Outcome.CREATED or any(c.field == "Published" for c in row.changes)
        for row in preview.rows
    )


def _result(applied: ImportPreview, plan: Plan, user, now: dt.datetime) -> dict:
    """What an import wrote: its counts, and the deliverables it touched (read from the
    history records it wrote, at ``now`` by ``user``)."""
    written = {"history_date": now, "history_user": user}
    plan_deliverables = Deliverable.objects.filter(plan=plan).values("pk")
    touched = set(
        Deliverable.history.filter(plan_id=plan.pk, **written).values_list("id", flat=True)
    )
    for model in (Milestone, QuarterlyUpdate):
        touched |= set(
            model.history.filter(deliverable_id__in=plan_deliverables, **written).values_list(
                "deliverable_id", flat=True
            )
        )
    counts = applied.counts
    return {
        "description": applied.description,
        "counts": str(counts),
        "written": counts.created + counts.changed,
        "published": getattr(applied.source, "publish", False),
        "deliverables": sorted(touched),
    }


def _imported(request, plan: Plan, waiting: WaitingUpload):
    """What the upload's import wrote, with links to the history of each deliverable."""
    if request.method == "POST":
        messages.info(request, "This file has already been imported: nothing more was written.")
        return redirect(request.path)
    deliverables = (
        Deliverable.objects.filter(plan=plan, pk__in=waiting.result["deliverables"])
        .select_related("workstream")
        .order_by("workstream__order", "order", "start_quarter", "pk")
    )
    context = {
        "force": plan.force,
        "plan": plan,
        "waiting": waiting,
        "kind": waiting.kind,
        "quarter": Quarter.parse(waiting.quarter) if waiting.quarter else None,
        "result": waiting.result,
        "deliverables": deliverables,
    }
    return render(request, "actions/spreadsheet_imported.html", context)
