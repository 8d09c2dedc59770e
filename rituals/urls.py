from django.urls import path

from rituals import views

app_name = "rituals"
urlpatterns = [
    path("rituals/", views.index, name="index"),
    path("rituals/<uuid:ritual_id>/answer/", views.answer, name="answer"),
    path("rituals/<uuid:ritual_id>/withdraw/", views.withdraw, name="withdraw"),
    path("rituals/<uuid:ritual_id>/rest/", views.rest, name="rest"),
]
