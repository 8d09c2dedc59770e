from django.apps import AppConfig


class ClosenessConfig(AppConfig):
    name = "closeness"
    default_auto_field = "django.db.models.BigAutoField"
