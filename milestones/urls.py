from django.urls import path

from milestones import views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.index, name="index"),
    path("milestones/switch/", views.switch, name="switch"),
    path("milestones/quiet/", views.add_quiet, name="add_quiet"),
    path("milestones/quiet/<uuid:quiet_id>/remove/", views.remove_quiet, name="remove_quiet"),
]
