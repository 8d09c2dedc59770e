from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "bids"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        activity.register_share(
            "bids.bid", "{actor} shared a moment of reaching", lambda e: reverse("bids:log")
        )
