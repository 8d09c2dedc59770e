from django.urls import path

from today import views

# Not namespaced: "today" is the name every app already uses for the home page.
urlpatterns = [
    path("", views.today, name="today"),
    path("today/guide/", views.guide, name="today_guide"),
    path("more/", views.more, name="more"),
    path("welcome/", views.welcome, name="welcome"),
]
