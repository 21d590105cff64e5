from django.urls import path

from staff import evidence_views, force_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("forces/<slug:slug>/contact/", force_views.contact_edit, name="force_contact"),
    path(
        "evidence/",
        evidence_views.complete_without_evidence_list,
        name="complete_without_evidence",
    ),
]
