from django.urls import path

from public import alerts_views as views

app_name = "alerts"

urlpatterns = [
    path("forces/<slug:slug>/alerts/", views.sign_up, name="sign_up"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
