from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path(
        "forces/<slug:slug>/deliverables/<int:pk>/",
        views.deliverable_detail,
        name="deliverable",
    ),
]
