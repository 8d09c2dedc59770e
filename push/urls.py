from django.urls import path

from push import views

app_name = "push"
urlpatterns = [
    path("notifications/", views.settings_page, name="settings"),
    path("notifications/subscribe/", views.subscribe, name="subscribe"),
    path("notifications/quiet/", views.quiet, name="quiet"),
    path("notifications/<uuid:device_id>/", views.device, name="device"),
    path("notifications/<uuid:device_id>/remove/", views.remove, name="remove"),
]
