from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        activity.register_share(
            "commitments.commitment",
            "{actor} shared a commitment with you",
            lambda e: reverse("commitments:detail", args=[e.pk]),
        )
        activity.register_kind("commitments.noticed", "{actor} noticed one of your commitments")
