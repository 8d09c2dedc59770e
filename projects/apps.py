from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity.services import register_kind

        register_kind("project-started", "{actor} started a project for the two of you")
        register_kind("project-step", "{actor} ticked off a step of your project")
        register_kind("project-done", "{actor} marked your project done together")
