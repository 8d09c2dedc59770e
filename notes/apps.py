from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import reverse

        from activity import services as activity

        activity.register_share(
            "notes.note", "{actor} shared a note", lambda e: reverse("notes:detail", args=[e.pk])
        )
