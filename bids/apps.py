from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "bids"
    default_auto_field = "django.db.models.BigAutoField"
