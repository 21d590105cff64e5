from django.urls import path

from staff import engagement_upload_views, engagement_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path(
        "forces/<slug:slug>/engagement/dashboard/",
        engagement_views.engagement_dashboard,
        name="engagement_dashboard",
    ),
    path("engagement/dashboard/", engagement_views.engagement_national, name="engagement_national"),
    path("forces/<slug:slug>/engagement/", engagement_views.activity_list, name="activities"),
    path(
        "forces/<slug:slug>/engagement/new/",
        engagement_views.activity_create,
        name="activity_create",
    ),
    path(
        "forces/<slug:slug>/engagement/engagement-log.xlsx",
        engagement_views.activity_download,
        name="activity_download",
    ),
    path(
        "forces/<slug:slug>/engagement/upload/",
        engagement_upload_views.engagement_upload,
        name="engagement_upload",
    ),
    path(
        "forces/<slug:slug>/engagement/upload/<slug:upload>/",
        engagement_upload_views.engagement_upload_preview,
        name="engagement_upload_preview",
    ),
    path(
        "forces/<slug:slug>/engagement/upload/<slug:upload>/cancel/",
        engagement_upload_views.engagement_upload_cancel,
        name="engagement_upload_cancel",
    ),
    path("engagement/<int:activity_id>/", engagement_views.activity_detail, name="activity"),
    path(
        "engagement/<int:activity_id>/edit/",
        engagement_views.activity_edit,
        name="activity_edit",
    ),
    path(
        "engagement/<int:activity_id>/publish/",
        engagement_views.activity_publish,
        name="activity_publish",
    ),
    path(
        "engagement/<int:activity_id>/history/",
        engagement_views.activity_history_page,
        name="activity_history",
    ),
    path(
        "engagement/<int:activity_id>/actions/new/",
        engagement_views.engagement_action_create,
        name="engagement_action_create",
    ),
    path(
        "engagement-actions/<int:engagement_action_id>/edit/",
        engagement_views.engagement_action_edit,
        name="engagement_action_edit",
    ),
]
