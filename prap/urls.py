"""The site's URLs: the public pages, the staff pages under /staff/, sign-in under /accounts/
and the admin. Pages live in ``public`` and ``staff``, above the domain apps (README,
"Project layout"); the URL namespaces are the ones the templates have always used."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("national/", include("public.national_urls")),
    path("data/", include("public.data_urls")),
    path("accounts/", include("accounts.urls")),
    path("staff/", include("staff.urls")),
    path("", include("public.urls")),
    path("", include("public.deliverable_urls")),
    path("", include("public.workstream_urls")),
    path("", include("public.engagement_urls")),
    path("", include("public.panel_urls")),
    path("", include("public.search_urls")),
    path("", include("public.alerts_urls")),
]

handler500 = "prap.errors.server_error"
