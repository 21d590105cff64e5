from django.urls import path

from public import data_views

app_name = "data"

urlpatterns = [
    path("", data_views.index, name="index"),
    path("datapackage.json", data_views.package, name="package"),
] + [
    path(
        f"{dataset}.{fmt}",
        data_views.download,
        {"dataset": dataset, "fmt": fmt},
        name=f"{dataset.replace('-', '_')}_{fmt}",
    )
    for dataset in (
        "forces",
        "deliverables",
        "updates",
        "stop-search-rates",
        "stop-searches-by-quarter",
        "engagement",
        "engagement-actions",
        "panel-views",
    )
    for fmt in ("csv", "json")
]
