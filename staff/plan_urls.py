from django.urls import path

from staff import plan_views, reminder_views, returns_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("", plan_views.home, name="home"),
    path("forces/<slug:slug>/", plan_views.force_dashboard, name="dashboard"),
    path("forces/<slug:slug>/preview/", plan_views.roadmap_preview, name="roadmap_preview"),
    path("forces/<slug:slug>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("plans/<int:plan_id>/order/", plan_views.plan_order, name="plan_order"),
    path("returns/", returns_views.return_tracker, name="returns"),
    path("reminders/", reminder_views.reminders, name="reminders"),
    path("reminders/send/", reminder_views.reminders_send, name="reminders_send"),
]
