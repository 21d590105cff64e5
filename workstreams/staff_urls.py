from django.urls import path

from workstreams import staff_views

# Included under /staff/ in the "staff" namespace (see prap/urls.py).
urlpatterns = [
    path("national-actions/", staff_views.national_action_list, name="national_actions"),
    path(
        "national-actions/new/",
        staff_views.national_action_create,
        name="national_action_create",
    ),
    path(
        "national-actions/<int:action_id>/edit/",
        staff_views.national_action_edit,
        name="national_action_edit",
    ),
    path("practice/", staff_views.practice_list, name="practice"),
    path("practice/new/", staff_views.practice_create, name="practice_create"),
    path("practice/<int:example_id>/edit/", staff_views.practice_edit, name="practice_edit"),
    path("practice/<int:example_id>/delete/", staff_views.practice_delete, name="practice_delete"),
]
