from django.apps import AppConfig


class TendingConfig(AppConfig):
    name = "tending"
    verbose_name = "Tending"

    def ready(self) -> None:
        from django.urls import register_converter

        from tending import checks  # noqa: F401  (registers system checks)
        from tending.converters import IsoDateConverter
        from tending.forms import use_our_words

        use_our_words()

        # Once per process, before any URL module that uses <isodate:...> is imported.
        register_converter(IsoDateConverter, "isodate")
