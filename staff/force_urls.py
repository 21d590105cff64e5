from django.urls import path

from staff import evidence_views, figures_views, force_views

# Included under /staff/ in the "staff" namespace (see staff/urls.py).
urlpatterns = [
    path("forces/<slug:slug>/contact/", force_views.contact_edit, name="force_contact"),
    path(
        "forces/<slug:slug>/stop-searches/",
        figures_views.stop_search_upload,
        name="stop_search_upload",
    ),
    path(
        "forces/<slug:slug>/stop-searches/<slug:upload>/",
        figures_views.stop_search_preview,
        name="stop_search_preview",
    ),
    path(
        "forces/<slug:slug>/stop-searches/<slug:upload>/cancel/",
        figures_views.stop_search_cancel,
        name="stop_search_cancel",
    ),
    path("figures/home-office/", figures_views.home_office_upload, name="home_office_upload"),
    path(
        "figures/home-office/<slug:upload>/",
        figures_views.home_office_preview,
        name="home_office_preview",
    ),
    path(
        "figures/home-office/<slug:upload>/cancel/",
        figures_views.home_office_cancel,
        name="home_office_cancel",
    ),
    path(
        "evidence/",
        evidence_views.complete_without_evidence_list,
        name="complete_without_evidence",
    ),
]
