from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity import services as activity

        activity.register_kind("conversations.started", "{actor} started a conversation")
