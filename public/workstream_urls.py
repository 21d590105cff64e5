from django.urls import path

from public import workstream_views as views

app_name = "workstreams"

urlpatterns = [
    path("workstreams/", views.workstream_list, name="list"),
    path("workstreams/<slug:slug>/", views.workstream_detail, name="detail"),
    path("practice/", views.practice_list, name="practice"),
]
