from django.urls import path

from measures import views

app_name = "measures"
urlpatterns = [
    path("measures/", views.index, name="index"),
    path("measures/about/", views.about, name="about"),
    path("measures/monthly/", views.take, {"form": "csi4"}, name="csi4"),
    path("measures/fuller/", views.take, {"form": "csi16"}, name="csi16"),
    path("measures/reminder/", views.reminder, name="reminder"),
    path("measures/<uuid:response_id>/", views.detail, name="detail"),
    path("measures/<uuid:response_id>/share/", views.share, name="share"),
    path("measures/<uuid:response_id>/unshare/", views.unshare, name="unshare"),
    path("measures/<uuid:response_id>/delete/", views.delete, name="delete"),
]
