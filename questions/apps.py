from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity.services import register_kind

        # Sent only when an answer completes the pair: the first answer tells no one.
        register_kind("question-both", "{actor} answered our question too: read both answers")
        register_kind("question-own", "{actor} added a question of your own to ask")
