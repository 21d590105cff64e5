"""Staff pages for national data: national actions and practice examples.

Changed by the national team and administrators only (coordinators get 403); every change is
kept in the history with who made it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from plans.versioning import delete_content, save_content
from staff.access import (
    get_national_action_for_user,
    get_practice_example_for_user,
    require_national_editor,
)
from workstreams.forms import NationalActionForm, PracticeExampleForm
from workstreams.models import NationalAction, PracticeExample


@require_safe
def national_action_list(request):
    require_national_editor(request.user)
    context = {"actions": NationalAction.objects.select_related("workstream")}
    return render(request, "workstreams/nationalaction_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def national_action_create(request):
    require_national_editor(request.user)
    form = NationalActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        save_content(action, after_save=form.save_m2m)
        messages.success(request, f"National action {action.code} added.")
        return redirect("staff:national_actions")
    return render(request, "workstreams/nationalaction_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def national_action_edit(request, action_id: int):
    action = get_national_action_for_user(request.user, action_id)
    form = NationalActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        save_content(form.save(commit=False), after_save=form.save_m2m)
        messages.success(request, f"National action {action.code} saved.")
        return redirect("staff:national_actions")
    context = {"form": form, "action": action}
    return render(request, "workstreams/nationalaction_form.html", context)


@require_safe
def practice_list(request):
    require_national_editor(request.user)
    examples = PracticeExample.objects.select_related("force", "workstream")
    return render(request, "workstreams/practiceexample_staff_list.html", {"examples": examples})


@require_http_methods(["GET", "HEAD", "POST"])
def practice_create(request):
    require_national_editor(request.user)
    form = PracticeExampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        example = form.save(commit=False)
        save_content(example, after_save=form.save_m2m)
        messages.success(request, f"Practice example added: {example.title}")
        return redirect("staff:practice")
    return render(request, "workstreams/practiceexample_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def practice_edit(request, example_id: int):
    example = get_practice_example_for_user(request.user, example_id)
    form = PracticeExampleForm(request.POST or None, instance=example)
    if request.method == "POST" and form.is_valid():
        save_content(form.save(commit=False), after_save=form.save_m2m)
        messages.success(request, f"Practice example saved: {example.title}")
        return redirect("staff:practice")
    context = {"form": form, "example": example}
    return render(request, "workstreams/practiceexample_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def practice_delete(request, example_id: int):
    example = get_practice_example_for_user(request.user, example_id)
    if request.method == "POST":
        title = example.title
        delete_content(example)
        messages.success(request, f"Practice example removed: {title}")
        return redirect("staff:practice")
    return render(request, "workstreams/practiceexample_delete.html", {"example": example})
