"""Every page under /staff/, in the one "staff" namespace."""

from staff import (
    deliverable_urls,
    engagement_urls,
    force_urls,
    national_data_urls,
    panel_urls,
    plan_urls,
)

app_name = "staff"

urlpatterns = [
    *plan_urls.urlpatterns,
    *deliverable_urls.urlpatterns,
    *national_data_urls.urlpatterns,
    *force_urls.urlpatterns,
    *engagement_urls.urlpatterns,
    *panel_urls.urlpatterns,
]
