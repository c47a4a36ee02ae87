"""What apps that attach things to events (a chat room) may ask about them, through
core.hooks.target_view_checks, without importing events."""

from flywheel.events.models import Event
from flywheel.events.permissions import filter_events_queryset


def event_visible_to(user, target) -> bool | None:
    """None for anything but an event; else whether this user may see the event."""
    if not isinstance(target, Event):
        return None
    return filter_events_queryset(user, Event.objects.filter(pk=target.pk)).exists()
