"""Staff pages for deliverables, milestones and quarterly updates, and the quarterly return.

Every view reaches its object through a getter of ``staff.access`` on its first line: another
force's object is a 404 to a coordinator, and the national team and administrators may read
but not change (403).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.forms import (
    DeliverableForm,
    MilestoneDoneForm,
    MilestoneForm,
    QuarterlyUpdateForm,
    ReturnEntryForm,
    WithdrawForm,
)
from actions.history import deliverable_history
from actions.models import CommitmentChange, Deliverable, Milestone, QuarterlyUpdate
from actions.progress import ReturnProgress
from indicators.figures import stop_searches_in_quarter
from plans.models import Force, Plan
from plans.quarters import Quarter
from plans.versioning import (
    EditConflict,
    claim_versions,
    conflict_message,
    save_content,
    save_versioned,
    with_version,
    writing_content,
)
from prap.forms import ErrorLink, VersionOnlyForm, error_links
from prap.middleware import accepts_form_fields
from staff.access import (
    get_deliverable_for_user,
    get_force_for_user,
    get_milestone_for_user,
    get_plan_for_user,
    get_update_for_user,
)
from staff.plan_views import by_workstream, return_quarter_form


def _rebound(form_class, request, conflict: EditConflict, prefix: str | None = None, **kwargs):
    """The person's form again, their text kept, now based on the newer saved version."""
    name = f"{prefix}-version" if prefix else "version"
    form = form_class(
        with_version(request.POST, name, conflict.current.version),
        instance=conflict.current,
        prefix=prefix,
        **kwargs,
    )
    form.is_valid()
    form.add_error(None, conflict_message(conflict))
    return form


# Deliverables ------------------------------------------------------------------------------


@require_safe
def deliverable_detail(request, deliverable_id: int):
    deliverable = get_deliverable_for_user(request.user, deliverable_id)
    force = deliverable.plan.force
    current = Deliverable.objects.with_current_status().get(pk=deliverable.pk)
    context = {
        "deliverable": deliverable,
        "force": force,
        "current_status": current.current_status,
        "can_edit": request.user.can_edit_force(force.pk),
        "national_actions": deliverable.national_actions.all(),
        "milestones": deliverable.milestones.all(),
        "updates": deliverable.updates.select_related("author").order_by("-quarter"),
        "commitment_changes": deliverable.commitment_changes.all(),
        "today": timezone.localdate(),
    }
    return render(request, "actions/deliverable_staff_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def deliverable_create(request, plan_id: int):
    plan = get_plan_for_user(request.user, plan_id, write=True)
    initial = {"start_quarter": plan.first_quarter, "due_quarter": plan.first_quarter}
    if request.GET.get("workstream", "").isdigit():
        initial["workstream"] = int(request.GET["workstream"])
    form = DeliverableForm(
        request.POST or None, plan=plan, instance=Deliverable(plan=plan), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        deliverable = form.save(commit=False)
        deliverable.plan = plan
        deliverable.order = _next_position(plan, deliverable.workstream_id)
        # Added to a published plan, it is public at once: this is its original commitment.
        form.record_replanning(request.user, timezone.now())
        save_content(deliverable, after_save=form.save_m2m)
        messages.success(request, f"Deliverable added: {deliverable.title}")
        return redirect("staff:deliverable", deliverable_id=deliverable.pk)
    context = {"force": plan.force, "plan": plan, "form": form}
    return render(request, "actions/deliverable_form.html", context)


def _next_position(plan: Plan, workstream_id: int) -> int:
    highest = plan.deliverables.filter(workstream_id=workstream_id).aggregate(Max("order"))
    return (highest["order__max"] or 0) + 1


@require_http_methods(["GET", "HEAD", "POST"])
def deliverable_edit(request, deliverable_id: int):
    deliverable = get_deliverable_for_user(request.user, deliverable_id, write=True)
    plan = deliverable.plan
    old_workstream = deliverable.workstream_id
    form = DeliverableForm(request.POST or None, plan=plan, instance=deliverable)
    conflict = None
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        if changed.workstream_id != old_workstream:
            changed.order = _next_position(plan, changed.workstream_id)
        entries = form.record_replanning(request.user, timezone.now())

        def after_save():
            form.save_m2m()
            CommitmentChange.save_all(entries)

        try:
            save_versioned(changed, form.cleaned_data["version"], after_save=after_save)
        except EditConflict as error:
            conflict = error
            form = _rebound(DeliverableForm, request, error, plan=plan)
        else:
            messages.success(request, "Deliverable saved.")
            return redirect("staff:deliverable", deliverable_id=deliverable.pk)
    context = {
        "force": plan.force,
        "plan": plan,
        "deliverable": deliverable,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "actions/deliverable_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def deliverable_withdraw(request, deliverable_id: int):
    deliverable = get_deliverable_for_user(request.user, deliverable_id, write=True)
    if deliverable.is_withdrawn:
        messages.info(request, "This deliverable is already withdrawn.")
        return redirect("staff:deliverable", deliverable_id=deliverable.pk)
    form = WithdrawForm(request.POST or None, initial={"version": deliverable.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        deliverable.withdrawn_at = timezone.localdate()
        deliverable.withdrawn_reason = form.cleaned_data["reason"]
        deliverable._change_reason = "Withdrawn"
        try:
            save_versioned(deliverable, form.cleaned_data["version"])
        except EditConflict as error:
            conflict = error
            form = WithdrawForm(with_version(request.POST, "version", error.current.version))
            form.is_valid()
            form.add_error(None, conflict_message(error))
        else:
            messages.success(request, "Deliverable withdrawn. The public sees it as withdrawn.")
            return redirect("staff:deliverable", deliverable_id=deliverable.pk)
    context = {
        "force": deliverable.plan.force,
        "deliverable": deliverable,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "actions/deliverable_withdraw.html", context)


@require_POST
def deliverable_reinstate(request, deliverable_id: int):
    deliverable = get_deliverable_for_user(request.user, deliverable_id, write=True)
    form = VersionOnlyForm(request.POST)
    if deliverable.is_withdrawn and form.is_valid():
        deliverable.withdrawn_at = None
        deliverable.withdrawn_reason = ""
        deliverable._change_reason = "Reinstated"
        try:
            save_versioned(deliverable, form.cleaned_data["version"])
        except EditConflict:
            messages.error(request, "Someone changed this deliverable meanwhile. Try again.")
        else:
            messages.success(request, "Deliverable reinstated.")
    return redirect("staff:deliverable", deliverable_id=deliverable.pk)


@require_safe
def deliverable_history_page(request, deliverable_id: int):
    deliverable = get_deliverable_for_user(request.user, deliverable_id)
    context = {
        "deliverable": deliverable,
        "force": deliverable.plan.force,
        "entries": deliverable_history(deliverable),
    }
    return render(request, "actions/deliverable_history.html", context)


# Milestones --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def milestone_create(request, deliverable_id: int):
    deliverable = get_deliverable_for_user(request.user, deliverable_id, write=True)
    form = MilestoneForm(
        request.POST or None,
        instance=Milestone(deliverable=deliverable),
        initial={"due_quarter": deliverable.due_quarter},
    )
    if request.method == "POST" and form.is_valid():
        milestone = form.save(commit=False)
        milestone.deliverable = deliverable
        highest = deliverable.milestones.aggregate(Max("order"))["order__max"] or 0
        milestone.order = highest + 1
        save_content(milestone)
        messages.success(request, f"Milestone added: {milestone.title}")
        return redirect("staff:deliverable", deliverable_id=deliverable.pk)
    context = {"force": deliverable.plan.force, "deliverable": deliverable, "form": form}
    return render(request, "actions/milestone_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def milestone_edit(request, milestone_id: int):
    milestone = get_milestone_for_user(request.user, milestone_id, write=True)
    deliverable = milestone.deliverable
    form = MilestoneForm(request.POST or None, instance=milestone)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_versioned(form.save(commit=False), form.cleaned_data["version"])
        except EditConflict as error:
            conflict = error
            form = _rebound(MilestoneForm, request, error)
        else:
            messages.success(request, "Milestone saved.")
            return redirect("staff:deliverable", deliverable_id=deliverable.pk)
    context = {
        "force": deliverable.plan.force,
        "deliverable": deliverable,
        "milestone": milestone,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "actions/milestone_form.html", context)


@require_POST
def milestone_done(request, milestone_id: int):
    """Tick a milestone off (``done=on``) or mark it not done."""
    milestone = get_milestone_for_user(request.user, milestone_id, write=True)
    form = MilestoneDoneForm(request.POST)
    target = "staff:deliverable"
    if not form.is_valid():
        messages.error(request, "This page was out of date: nothing was changed. Try again.")
        return redirect(target, deliverable_id=milestone.deliverable_id)
    done = form.cleaned_data["done"]
    milestone.done_on = timezone.localdate() if done else None
    milestone._change_reason = "Ticked off" if done else "Marked not done"
    try:
        save_versioned(milestone, form.cleaned_data["version"])
    except EditConflict:
        messages.error(
            request,
            f"Someone changed the milestone \u201c{milestone.title}\u201d while you had this "
            "page open: nothing was changed. Check it and try again.",
        )
    else:
        state = "done" if done else "not done"
        messages.success(request, f"Milestone \u201c{milestone.title}\u201d marked {state}.")
    return redirect(target, deliverable_id=milestone.deliverable_id)


# One quarterly update ----------------------------------------------------------------------


_UPDATE_SAVED = {
    "corrected": "Correction published. The update shows it was corrected.",
    "published": "Update published.",
    "draft": "Draft saved.",
}


@require_http_methods(["GET", "HEAD", "POST"])
def update_edit(request, update_id: int):
    """Edit one update. Editing a published update keeps it published and records the
    correction (``corrected_at``); a draft can be saved or published from here.
    """
    update = get_update_for_user(request.user, update_id, write=True)
    was_published = update.is_published
    publishing = request.method == "POST" and request.POST.get("action") == "publish"
    form = QuarterlyUpdateForm(request.POST or None, instance=update, publishing=publishing)
    conflict = None
    if request.method == "POST" and form.is_valid():
        if not form.has_changed() and not publishing:
            messages.info(request, "Nothing has changed, so nothing was saved.")
            return redirect("staff:deliverable", deliverable_id=update.deliverable_id)
        try:
            outcome = update.save_by(
                request.user, timezone.now(), form.cleaned_data["version"], publish=publishing
            )
        except EditConflict as error:
            conflict = error
            form = _rebound(QuarterlyUpdateForm, request, error, publishing=publishing)
        else:
            messages.success(request, _UPDATE_SAVED[outcome])
            return redirect("staff:deliverable", deliverable_id=update.deliverable_id)
    context = {
        "force": update.deliverable.plan.force,
        "deliverable": update.deliverable,
        "update": update,
        "was_published": was_published,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "actions/quarterlyupdate_form.html", context)


@require_POST
def update_unpublish(request, update_id: int):
    """Return a published update to draft: it leaves every public page."""
    update = get_update_for_user(request.user, update_id, write=True)
    form = VersionOnlyForm(request.POST)
    if update.is_published and form.is_valid():
        try:
            update.unpublish(request.user, form.cleaned_data["version"])
        except EditConflict:
            messages.error(request, "Someone changed this update meanwhile: nothing was changed.")
        else:
            messages.success(request, f"The {update.quarter} update is a draft again.")
    return redirect("staff:deliverable", deliverable_id=update.deliverable_id)


# The quarterly return ----------------------------------------------------------------------


@dataclass
class ReturnRow:
    deliverable: Deliverable
    update: QuarterlyUpdate
    form: ReturnEntryForm | None
    conflict: EditConflict | None = None
    prefix: str = field(default="")


class ReturnConflict(Exception):
    def __init__(self, deliverable_ids: set[int]):
        super().__init__("updates changed meanwhile")
        self.deliverable_ids = deliverable_ids


#: Six fields a row (status, what was done, what is next, evidence, version, publish): room
#: for a return of 1,600 deliverables, where Django's usual 1,000 fields stop at 166.
RETURN_MAX_FORM_FIELDS = 10_000


@accepts_form_fields(RETURN_MAX_FORM_FIELDS)
@require_http_methods(["GET", "HEAD", "POST"])
def quarterly_return(request, slug: str):
    """Every deliverable due an update for one quarter, on one page: save drafts, or
    publish the ticked updates. Nothing is saved unless everything submitted is valid.
    """
    force = get_force_for_user(request.user, slug, write=True)
    plans = list(Plan.objects.for_force(force).current())
    quarter_form = return_quarter_form(request, plans)
    quarter = quarter_form.chosen
    publish_requested = request.method == "POST" and request.POST.get("action") == "publish"
    rows = _return_rows(request, force, quarter, publish_requested)
    page_errors: list[ErrorLink] = []
    if request.method == "POST" and request.POST.get("return_quarter") != quarter.compact:
        # The rows were written for another quarter than the address now names (an edited
        # address, or a quarter no longer offered): save nothing rather than misfile them.
        messages.error(request, f"This form was not for the {quarter} return: nothing was saved.")
        return redirect(request.get_full_path())
    if request.method == "POST":
        submitted = [
            row.form
            for row in rows
            if row.form is not None and row.form.is_bound and row.form.has_changed()
        ]
        # Validate every row (no short-circuit), so each shows its own errors.
        validity = [form.is_valid() for form in submitted]
        all_valid = all(validity)
        if publish_requested and not any(form.will_publish for form in submitted):
            first = next((row.form for row in rows if row.form is not None), None)
            page_errors.append(
                ErrorLink(
                    first["publish"].auto_id if first else "",
                    "Tick \u201cPublish this update\u201d for each update you want to publish",
                )
            )
        if not submitted and not publish_requested:
            messages.info(request, "You have not changed anything, so nothing was saved.")
            return redirect(request.get_full_path())
        if all_valid and not page_errors:
            try:
                saved = _save_return(request.user, force, submitted)
            except ReturnConflict as conflict:
                _show_conflicts(request, rows, conflict, publish_requested)
            else:
                messages.success(request, _saved_message(saved, quarter))
                return redirect(request.get_full_path())
    forms_on_page = [row.form for row in rows if row.form is not None]
    context = {
        "force": force,
        "plans": plans,
        "quarter": quarter,
        "quarter_form": quarter_form,
        "groups": _rows_by_workstream(rows),
        "progress": ReturnProgress.from_states(row.deliverable.state for row in rows),
        "errors": page_errors + error_links(*forms_on_page),
        "has_forms": bool(forms_on_page),
        "stop_searches": stop_searches_in_quarter(force, quarter),
    }
    return render(request, "actions/quarterlyupdate_return.html", context)


def _return_rows(request, force, quarter: Quarter, publish_requested: bool) -> list[ReturnRow]:
    deliverables = (
        Deliverable.objects.for_force(force)
        .active()
        .select_related("workstream")
        .with_return(quarter)
        .order_by("workstream__order", "order", "start_quarter", "pk")
    )
    existing = {
        update.deliverable_id: update
        for update in QuarterlyUpdate.objects.for_force(force).filter(quarter=quarter)
    }
    data = request.POST if request.method == "POST" else None
    rows = []
    for deliverable in deliverables:
        deliverable.state = deliverable.return_state(quarter)
        if deliverable.state == "not_due":
            continue
        update = existing.get(deliverable.pk) or QuarterlyUpdate(
            deliverable=deliverable, quarter=quarter
        )
        update.deliverable = deliverable
        prefix = f"d{deliverable.pk}"
        # Only rows this submission carries are bound (a row added since the page was
        # opened is not). A published update is shown as it is (corrections have their own
        # page), unless this submission carried a form for it: then it was published
        # meanwhile, and the person's text must not be dropped.
        submitted = data is not None and f"{prefix}-version" in data
        form = None
        if submitted or not update.is_published:
            initial = {}
            if update.pk is None and deliverable.previous_status:
                initial["status"] = deliverable.previous_status
            form = ReturnEntryForm(
                data if submitted else None,
                instance=update,
                prefix=prefix,
                initial=initial,
                publish_requested=publish_requested,
            )
        rows.append(ReturnRow(deliverable, update, form, prefix=prefix))
    return rows


def _save_return(user, force: Force, submitted: list[ReturnEntryForm]) -> dict[str, int]:
    """Write the submitted rows in one transaction, with bulk inserts and updates (and
    their history). Raises ReturnConflict, writing nothing, if any row changed meanwhile.
    """
    now = timezone.now()
    saved = {"published": 0, "draft": 0, "corrected": 0}
    new, existing = [], []
    for form in submitted:
        update = form.instance
        saved[update.record(user, now, publish=form.will_publish)] += 1
        (existing if update.pk else new).append((form, update))
    with writing_content(force):
        seen = {update.pk: form.cleaned_data["version"] for form, update in existing}
        stale = claim_versions(QuarterlyUpdate, seen)
        if stale:
            raise ReturnConflict(
                {update.deliverable_id for _, update in existing if update.pk in stale}
            )
        for _, update in existing:
            update.version = seen[update.pk] + 1
        try:
            with transaction.atomic():
                bulk_create_with_history([u for _, u in new], QuarterlyUpdate, default_user=user)
        except IntegrityError as error:
            # Someone else created one of these updates after the page was opened.
            raise ReturnConflict({u.deliverable_id for _, u in new}) from error
        bulk_update_with_history(
            [u for _, u in existing],
            QuarterlyUpdate,
            QuarterlyUpdate.RECORDED_FIELDS,
            default_user=user,
        )
        QuarterlyUpdate.announce_publications([u for _, u in new + existing], now)
    return saved


def _show_conflicts(request, rows, conflict: ReturnConflict, publish_requested) -> None:
    """Mark the rows someone else changed: keep the person's text, show the newer version."""
    current = {
        update.deliverable_id: update
        for update in QuarterlyUpdate.objects.filter(
            deliverable_id__in=conflict.deliverable_ids, quarter=rows[0].update.quarter
        )
    }
    for row in rows:
        if row.form is None or row.deliverable.pk not in conflict.deliverable_ids:
            continue
        newer = current.get(row.deliverable.pk)
        if newer is None:
            continue
        seen = row.form.cleaned_data["version"]
        newer.deliverable = row.deliverable
        row.conflict = EditConflict.for_object(newer, seen)
        row.conflict.current.deliverable = row.deliverable
        row.form = _rebound(
            ReturnEntryForm,
            request,
            row.conflict,
            prefix=row.prefix,
            publish_requested=publish_requested,
        )


def _rows_by_workstream(rows: list[ReturnRow]):
    groups = by_workstream([row.deliverable for row in rows])
    by_deliverable = {row.deliverable.pk: row for row in rows}
    return [
        (workstream, [by_deliverable[d.pk] for d in deliverables])
        for workstream, deliverables in groups
        if deliverables
    ]


def _saved_message(saved: dict[str, int], quarter: Quarter) -> str:
    parts = []
    if saved["published"]:
        parts.append(f"published {_count(saved['published'], 'update')}")
    if saved["draft"]:
        parts.append(f"saved {_count(saved['draft'], 'draft')}")
    if saved["corrected"]:
        parts.append(f"corrected {_count(saved['corrected'], 'published update')}")
    text = " and ".join(parts) if parts else "saved nothing"
    return f"{quarter} return: {text[:1].upper()}{text[1:]}."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
