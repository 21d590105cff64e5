"""The force's public contact details, kept by its coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import check_force
from plans.cache import content_changed
from plans.forms import ForceContactForm
from plans.models import Force
from plans.versioning import EditConflict, conflict_message, save_versioned, with_version


def _get_force_for_user(user, slug: str, *, write: bool = False) -> Force:
    force = get_object_or_404(Force, slug=slug)
    check_force(user, force.pk, write=write)
    return force


@require_http_methods(["GET", "HEAD", "POST"])
def contact_edit(request, slug: str):
    force = _get_force_for_user(request.user, slug, write=True)
    form = ForceContactForm(request.POST or None, instance=force)
    conflict = None
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Public contact details changed"
        try:
            with transaction.atomic():
                save_versioned(form.instance, form.cleaned_data["version"])
                content_changed(force.pk)
        except EditConflict as error:
            conflict = error
            form = ForceContactForm(
                with_version(request.POST, "version", error.current.version),
                instance=error.current,
            )
            form.is_valid()
            form.add_error(None, conflict_message(error))
        else:
            messages.success(request, "Contact details saved. They are on your public roadmap.")
            return redirect("staff:dashboard", slug=force.slug)
    context = {"force": force, "form": form, "conflict": conflict}
    return render(request, "plans/force_contact_form.html", context)
