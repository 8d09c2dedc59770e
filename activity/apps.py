from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity import services
        from privacy.entries import entry_shared

        entry_shared.connect(services.on_entry_shared, dispatch_uid="activity.entry_shared")
