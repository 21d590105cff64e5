from django.urls import path

from public import disparity_views, national_views

app_name = "national"

urlpatterns = [
    path("", national_views.comparison_table, name="comparison"),
    path("compare/", national_views.compare, name="compare"),
    path("coverage/", national_views.coverage, name="coverage"),
    path("trend/", national_views.trend_view, name="trend"),
    path("disparities/", disparity_views.national_disparities, name="disparities"),
]
