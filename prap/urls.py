from django.contrib import admin
from django.urls import include, path

from actions import staff_urls as actions_staff_urls
from plans import staff_urls as plans_staff_urls
from workstreams import staff_urls as workstreams_staff_urls

# Every page under /staff/ shares the "staff" namespace, whichever app owns it.
staff_urlpatterns = [
    *plans_staff_urls.urlpatterns,
    *actions_staff_urls.urlpatterns,
    *workstreams_staff_urls.urlpatterns,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("national/", include("plans.national_urls")),
    path("data/", include("plans.data_urls")),
    path("accounts/", include("accounts.urls")),
    path("staff/", include((staff_urlpatterns, "staff"))),
    path("", include("plans.urls")),
    path("", include("actions.urls")),
    path("", include("workstreams.urls")),
]
