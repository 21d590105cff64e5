from django.urls import path

from plans import national_views, staff_views

# Included under /staff/ in the "staff" namespace (see prap/urls.py).
urlpatterns = [
    path("", staff_views.home, name="home"),
    path("forces/<slug:slug>/", staff_views.force_dashboard, name="dashboard"),
    path("forces/<slug:slug>/preview/", staff_views.roadmap_preview, name="roadmap_preview"),
    path("forces/<slug:slug>/plans/new/", staff_views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/edit/", staff_views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/publish/", staff_views.plan_publish, name="plan_publish"),
    path("plans/<int:plan_id>/order/", staff_views.plan_order, name="plan_order"),
    path("returns/", national_views.return_tracker, name="returns"),
]
