from django.urls import path

from plans import national_views

app_name = "returns"

urlpatterns = [
    path("", national_views.return_tracker, name="tracker"),
]
