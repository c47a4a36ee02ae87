from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "flywheel.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.events.privacy import erase_events_data, export_events_data
        from flywheel.events.rooms import event_visible_to

        hooks.privacy_exporters.register(export_events_data, name="events")
        hooks.privacy_erasers.register(erase_events_data, name="events")
        # A chat room attached to an event follows the event's visibility.
        hooks.target_view_checks.register(event_visible_to, name="events.event_visible_to")
