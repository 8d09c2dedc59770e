from django.urls import path

from today import install, views

# Not namespaced: "today" is the name every app already uses for the home page.
urlpatterns = [
    path("", views.today, name="today"),
    path("today/guide/", views.guide, name="today_guide"),
    path("more/", views.more, name="more"),
    path("welcome/", views.welcome, name="welcome"),
    path("manifest.webmanifest", install.manifest, name="manifest"),
    path("sw.js", install.service_worker, name="service_worker"),
    path("offline/", install.offline, name="offline"),
]
