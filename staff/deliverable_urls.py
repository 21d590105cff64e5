from django.urls import path

from staff import deliverable_views, spreadsheet_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("forces/<slug:slug>/return/", deliverable_views.quarterly_return, name="return"),
    path(
        "plans/<int:plan_id>/deliverables/new/",
        deliverable_views.deliverable_create,
        name="deliverable_create",
    ),
    path(
        "deliverables/<int:deliverable_id>/",
        deliverable_views.deliverable_detail,
        name="deliverable",
    ),
    path(
        "deliverables/<int:deliverable_id>/edit/",
        deliverable_views.deliverable_edit,
        name="deliverable_edit",
    ),
    path(
        "deliverables/<int:deliverable_id>/withdraw/",
        deliverable_views.deliverable_withdraw,
        name="deliverable_withdraw",
    ),
    path(
        "deliverables/<int:deliverable_id>/reinstate/",
        deliverable_views.deliverable_reinstate,
        name="deliverable_reinstate",
    ),
    path(
        "deliverables/<int:deliverable_id>/history/",
        deliverable_views.deliverable_history_page,
        name="deliverable_history",
    ),
    path(
        "deliverables/<int:deliverable_id>/milestones/new/",
        deliverable_views.milestone_create,
        name="milestone_create",
    ),
    path(
        "milestones/<int:milestone_id>/edit/",
        deliverable_views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "milestones/<int:milestone_id>/done/",
        deliverable_views.milestone_done,
        name="milestone_done",
    ),
    path("updates/<int:update_id>/edit/", deliverable_views.update_edit, name="update_edit"),
    path(
        "updates/<int:update_id>/unpublish/",
        deliverable_views.update_unpublish,
        name="update_unpublish",
    ),
    # Spreadsheets: downloads (anyone who reads the plan), uploads (its coordinators).
    path(
        "plans/<int:plan_id>/download/plan.xlsx",
        spreadsheet_views.plan_download,
        {"part": "plan", "file_format": "xlsx"},
        name="plan_download_xlsx",
    ),
    path(
        "plans/<int:plan_id>/download/plan.csv",
        spreadsheet_views.plan_download,
        {"part": "plan", "file_format": "csv"},
        name="plan_download_csv",
    ),
    path(
        "plans/<int:plan_id>/download/milestones.csv",
        spreadsheet_views.plan_download,
        {"part": "milestones", "file_format": "csv"},
        name="plan_download_milestones_csv",
    ),
    path(
        "plans/<int:plan_id>/download/return.xlsx",
        spreadsheet_views.return_download,
        {"file_format": "xlsx"},
        name="return_download_xlsx",
    ),
    path(
        "plans/<int:plan_id>/download/return.csv",
        spreadsheet_views.return_download,
        {"file_format": "csv"},
        name="return_download_csv",
    ),
    path("plans/<int:plan_id>/import/plan/", spreadsheet_views.plan_import, name="plan_import"),
    path(
        "plans/<int:plan_id>/import/plan/<slug:upload>/",
        spreadsheet_views.plan_import_preview,
        name="plan_import_preview",
    ),
    path(
        "plans/<int:plan_id>/import/return/",
        spreadsheet_views.return_import,
        name="return_import",
    ),
    path(
        "plans/<int:plan_id>/import/return/<slug:upload>/",
        spreadsheet_views.return_import_preview,
        name="return_import_preview",
    ),
    path(
        "plans/<int:plan_id>/import/cancel/<slug:upload>/",
        spreadsheet_views.import_cancel,
        name="import_cancel",
    ),
]
