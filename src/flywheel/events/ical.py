"""iCalendar (RFC 5545) files: one per event, and a feed of every event for calendar apps.
Times are written in UTC; calendar apps show them in their owner's zone."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from flywheel.events.models import Event, EventFormat, EventKind, EventState

PRODUCT_ID = "-//Flywheel//Community events//EN"


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _domain() -> str:
    return _site().split("://", 1)[-1].split("/", 1)[0] or "flywheel"


def _component(event: Event) -> CalendarEvent:
    url = _site() + event.get_absolute_url()
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@{_domain()}")
    item.add("dtstamp", event.updated_at or timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    description = strip_tags(event.description_html or "").strip()
    item.add("description", f"{description}\n\n{url}".strip())
    item.add("url", url)
    if event.format == EventFormat.IN_PERSON:
        item.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    elif event.kind == EventKind.LIVESTREAM and event.online_url:
        item.add("location", event.online_url)
    else:
        # Other online events show their link to members with a seat only (the event page).
        item.add("location", str(_("Online")))
    item.add("categories", [event.get_kind_display()])
    item.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
    # Each change to the event (cancellation included) must replace the calendar's copy.
    item.add("sequence", 1 if event.state == EventState.CANCELLED else 0)
    return item


def calendar_for(events: Iterable[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event))
    return calendar.to_ical()
