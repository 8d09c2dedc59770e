from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = "Safety"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safety import checks  # noqa: F401  (registers system checks)
