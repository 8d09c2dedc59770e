from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "push"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity import services as activity
        from push import services

        activity.on_notice(services.queue_for_notice)
