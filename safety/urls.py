from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("exit/", views.quick_exit, name="quick_exit"),
    path("help/safety-check/", views.safety_check, name="check"),
    path("help/safety-check/result/", views.safety_check_result, name="check_result"),
]
