from django.urls import path

from public import disparity_views, feeds, views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("forces/", views.force_list, name="force_list"),
    path("forces/<slug:slug>/", views.force_roadmap, name="force_roadmap"),
    path("forces/<slug:slug>/feed/", feeds.force_updates_feed, name="force_feed"),
    path(
        "forces/<slug:slug>/disparities/",
        disparity_views.force_disparities,
        name="force_disparities",
    ),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
