"""The link from an event's page to its chat room (core.hooks.event_page_links)."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from flywheel.chat.models import Room
from flywheel.core.hooks import EventPageLink


def event_room_link(*, event, viewer) -> EventPageLink | None:
    """A link to the room attached to this event, when it has one. One query."""
    room_id = (
        Room.objects.filter(
            target_type=ContentType.objects.get_for_model(event), target_id=event.pk
        )
        .values_list("pk", flat=True)
        .first()
    )
    if room_id is None:
        return None
    return EventPageLink(
        label=_("Chat room"), url=reverse("chat:room", args=[room_id]), icon="chat-dots"
    )
