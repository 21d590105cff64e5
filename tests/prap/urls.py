"""Test-only URLconf: the site plus views that fail in each way a real view can."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import include, path

from prap.logs import update_context
from prap.security import DeniedAsNotFound


@login_not_required
def refuses(request):
    raise PermissionDenied("coordinators cannot edit national actions")


@login_not_required
def hides(request, slug):
    raise DeniedAsNotFound("deliverable of another force")


@login_not_required
def breaks(request):
    raise RuntimeError("something broke")


@login_not_required
def force_page(request, slug):
    return HttpResponse(f"the {slug} roadmap")


def staff_page(request):
    update_context(force="dorset")
    return HttpResponse("staff page")


urlpatterns = [
    path("test/refuses/", refuses),
    path("test/hides/<slug:slug>/", hides),
    path("test/breaks/", breaks),
    path("forces/<slug:slug>/", force_page),
    path("staff/test/", staff_page),
    path("", include("prap.urls")),
]


@login_not_required
def unavailable(request):
    # Returned, not raised: Django logs it after every middleware has returned it.
    return HttpResponse("come back later", status=503)


urlpatterns.insert(0, path("test/unavailable/", unavailable))
