from django.urls import path

from staff import national_data_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("national-actions/", national_data_views.national_action_list, name="national_actions"),
    path(
        "national-actions/new/",
        national_data_views.national_action_create,
        name="national_action_create",
    ),
    path(
        "national-actions/<int:action_id>/edit/",
        national_data_views.national_action_edit,
        name="national_action_edit",
    ),
    path("practice/", national_data_views.practice_list, name="practice"),
    path("practice/new/", national_data_views.practice_create, name="practice_create"),
    path(
        "practice/<int:example_id>/edit/", national_data_views.practice_edit, name="practice_edit"
    ),
    path(
        "practice/<int:example_id>/delete/",
        national_data_views.practice_delete,
        name="practice_delete",
    ),
]
