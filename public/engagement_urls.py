from django.urls import path

from public import engagement_views as views

app_name = "engagement"

urlpatterns = [
    path("forces/<slug:slug>/engagement/", views.force_engagement, name="force"),
]
