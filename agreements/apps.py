from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        activity.register_share(
            "agreements.concern",
            "{actor} raised a concern about an agreement",
            lambda e: reverse("agreements:concern", args=[e.pk]),
        )
        activity.register_share(
            "agreements.concernanswer",
            "{actor} answered your concern",
            lambda e: reverse("agreements:concern", args=[e.concern_id]),  # type: ignore[attr-defined]
        )
        activity.register_kind("agreements.proposed", "{actor} suggested an agreement")
        activity.register_kind("agreements.revised", "{actor} suggested a change to an agreement")
        activity.register_kind("agreements.accepted", "{actor} accepted what you suggested")
        activity.register_kind("agreements.review_finished", "{actor} finished this month's review")
