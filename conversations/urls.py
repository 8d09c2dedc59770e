from django.urls import path

from conversations.views import room, start

app_name = "conversations"

urlpatterns = [
    path("conversations/", start.index, name="index"),
    path("conversations/wording/", room.wording, name="wording"),
    path("conversations/wording/setting/", room.wording_setting, name="wording_setting"),
    path("conversations/<uuid:conversation_id>/", room.room, name="room"),
    path("conversations/<uuid:conversation_id>/state/", room.state, name="state"),
    path("conversations/<uuid:conversation_id>/act/", room.act, name="act"),
    path("conversations/<uuid:conversation_id>/draft/", room.draft, name="draft"),
    path("conversations/items/<uuid:item_id>/confirm/", start.confirm_item, name="confirm_item"),
]
