from django.urls import path

from staff import panel_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("panel/", panel_views.panel_home, name="panel_home"),
    path("panel/forces/<slug:slug>/", panel_views.panel_force, name="panel_force"),
    path(
        "panel/forces/<slug:slug>/<str:quarter>/",
        panel_views.panel_return,
        name="panel_return",
    ),
    path(
        "panel/forces/<slug:slug>/<str:quarter>/new/",
        panel_views.panel_view_create,
        name="panel_view_create",
    ),
    path("panel/views/<int:view_id>/", panel_views.panel_view_edit, name="panel_view_edit"),
    path(
        "forces/<slug:slug>/panel-views/",
        panel_views.force_panel_views,
        name="force_panel_views",
    ),
    path("panel-views/<int:view_id>/reply/", panel_views.panel_reply, name="panel_reply"),
    path(
        "panel-views/<int:view_id>/history/",
        panel_views.panel_view_history_page,
        name="panel_view_history",
    ),
    path("panels/", panel_views.panels_overview, name="panels_overview"),
    path("panels/not-replied/", panel_views.panels_not_replied, name="panels_not_replied"),
]
