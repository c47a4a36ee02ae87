from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "flywheel.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from flywheel.chat.event_rooms import event_room_link
        from flywheel.chat.privacy import erase_chat, export_chat
        from flywheel.chat.realtime import push_bells
        from flywheel.core import hooks

        hooks.privacy_exporters.register(export_chat, name="chat")
        hooks.privacy_erasers.register(erase_chat, name="chat")
        hooks.notifications_changed.register(push_bells, name="chat.push_bells")
        # An event with a room attached links to it from its page (events declares the hook).
        hooks.event_page_links.register(event_room_link, name="chat.event_room_link")
