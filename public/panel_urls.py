from django.urls import path

from public import panel_views as views

app_name = "panels"

urlpatterns = [
    path("forces/<slug:slug>/panel/", views.force_panel, name="force"),
]
