from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.urls import path

from bench.floor import views

urlpatterns = [
    path("", views.page, name="page"),
    path("sign-in/", LoginView.as_view(template_name="sign_in.html"), name="sign_in"),
]
