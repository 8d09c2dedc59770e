from django.urls import path

from questions import views

app_name = "questions"
urlpatterns = [
    path("our-question/", views.index, name="index"),
    path("our-question/<uuid:round_id>/answer/", views.answer, name="answer"),
    path("our-question/<uuid:round_id>/skip/", views.skip, name="skip"),
    path("our-question/how-often/", views.cadence, name="cadence"),
    path("our-question/our-own/", views.own, name="own"),
]
