from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity.services import on_notice
        from milestones.services import look_again

        # Whatever one partner does that the other is told of may complete a shared
        # milestone: both look again on their next visit instead of tomorrow.
        on_notice(look_again)
