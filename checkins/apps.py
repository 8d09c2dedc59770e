from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        history = reverse("checkins:history") + "?whose=partner"
        activity.register_share("checkins.checkin", "{actor} shared a check-in", lambda e: history)
        activity.register_share(
            "checkins.reflection",
            "{actor} shared a reflection",
            lambda e: reverse("checkins:reflect"),
        )
