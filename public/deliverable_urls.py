from django.urls import path

from public import deliverable_views as views

app_name = "actions"

urlpatterns = [
    path(
        "forces/<slug:slug>/deliverables/<int:pk>/",
        views.deliverable_detail,
        name="deliverable",
    ),
]
