from django.urls import path

from public import search_views as views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("search.json", views.search_json, name="json"),
]
