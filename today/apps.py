from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "today"
    default_auto_field = "django.db.models.BigAutoField"
