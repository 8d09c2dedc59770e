from django.urls import path

from notes import views

app_name = "notes"
urlpatterns = [
    path("", views.note_list, name="list"),
    path("<uuid:note_id>/", views.note_detail, name="detail"),
    path("<uuid:note_id>/share/", views.share, name="share"),
    path("<uuid:note_id>/unshare/", views.unshare, name="unshare"),
    path("<uuid:note_id>/delete/", views.delete, name="delete"),
]
