from django.apps import AppConfig


class RitualsConfig(AppConfig):
    name = "rituals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity.services import register_kind

        register_kind("ritual-suggested", "{actor} suggested a ritual for the two of you")
        register_kind("ritual-agreed", "{actor} said yes to a ritual: it's on the calendar")
