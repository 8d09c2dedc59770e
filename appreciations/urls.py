from django.urls import path

from appreciations import views

app_name = "appreciations"
urlpatterns = [
    path("appreciations/", views.index, name="index"),
    path("appreciations/<uuid:appreciation_id>/", views.detail, name="detail"),
    path("appreciations/<uuid:appreciation_id>/answer/", views.answer, name="answer"),
    path("appreciations/<uuid:appreciation_id>/delete/", views.delete, name="delete"),
]
