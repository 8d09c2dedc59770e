from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "insight"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        activity.register_kind("insight:moment", "{actor} is taking a moment, and will come back")
        activity.register_share(
            "insight.guidepart",
            "{actor} shared part of what helps in hard moments",
            lambda e: reverse("insight:partner_guide"),
        )
        activity.register_share(
            "insight.closenessreflection",
            "{actor} shared what closeness means to them",
            lambda e: reverse("insight:closeness"),
        )
