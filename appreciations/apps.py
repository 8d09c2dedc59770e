from django.apps import AppConfig


class AppreciationsConfig(AppConfig):
    name = "appreciations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity.services import register_kind

        register_kind("appreciation", "{actor} wrote you a note of appreciation")
        register_kind("appreciation-answer", "{actor} answered your note of appreciation")
