from django.apps import AppConfig


class ClosenessConfig(AppConfig):
    name = "closeness"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity import services as activity

        activity.register_kind(
            "closeness.slow_down", "{actor} suggested a slower pace for closeness"
        )
        activity.register_kind("closeness.moment", "{actor} suggested a moment of closeness")
