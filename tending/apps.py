from django.apps import AppConfig


class TendingConfig(AppConfig):
    name = "tending"
    verbose_name = "Tending"

    def ready(self) -> None:
        from tending import checks  # noqa: F401  (registers system checks)
