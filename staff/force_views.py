"""The force's public contact details, kept by its coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans.forms import ForceContactForm
from plans.versioning import EditConflict, conflict_message, save_versioned, with_version
from staff.access import get_force_for_user


@require_http_methods(["GET", "HEAD", "POST"])
def contact_edit(request, slug: str):
    force = get_force_for_user(request.user, slug, write=True)
    form = ForceContactForm(request.POST or None, instance=force)
    conflict = None
    if request.method == "POST" and form.is_valid():
        form.instance._change_reason = "Public contact details changed"
        try:
            save_versioned(form.instance, form.cleaned_data["version"])
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
