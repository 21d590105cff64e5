from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "PRAP Tracker administration"
admin.site.site_title = "PRAP Tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("national/", include("plans.national_urls")),
    path("data/", include("plans.data_urls")),
    path("staff/returns/", include("plans.return_urls")),
    path("", include("plans.urls")),
    path("", include("actions.urls")),
    path("", include("workstreams.urls")),
]
