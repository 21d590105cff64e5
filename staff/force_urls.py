from django.urls import path

from staff import force_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("forces/<slug:slug>/contact/", force_views.contact_edit, name="force_contact"),
]
