from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        activity.register_share(
            "measures.response",
            "{actor} shared a questionnaire about how things are between you",
            lambda e: reverse("measures:index"),
        )
