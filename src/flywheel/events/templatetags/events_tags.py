"""How an event's time reads: in the viewer's own time zone (the accounts middleware activated
it for a signed-in member), or in the event's zone for visitors who are not signed in."""

import zoneinfo

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


def _zone_for(event, user):
    if user is not None and user.is_authenticated:
        return timezone.get_current_timezone()
    try:
        return zoneinfo.ZoneInfo(event.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _zone_label(moment) -> str:
    """ "CEST" where the zone has an abbreviation, else "UTC+05:30" (zoneinfo gives "+0530")."""
    name = moment.tzname() or "UTC"
    if name[:1] in "+-":
        offset = moment.strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}"
    return name


def local_range(event, zone) -> str:
    start = timezone.localtime(event.starts_at, zone)
    end = timezone.localtime(event.ends_at, zone)
    day = formats.date_format(start, "D j M Y")
    start_time = formats.time_format(start, "H:i")
    if end.date() == start.date():
        end_text = formats.time_format(end, "H:i")
    else:
        end_text = formats.date_format(end, "D j M") + " " + formats.time_format(end, "H:i")
    return f"{day}, {start_time}–{end_text} {_zone_label(start)}"


@register.simple_tag(takes_context=True)
def event_when(context, event):
    """<time> with the start in UTC for machines and the local range for people."""
    zone = _zone_for(event, context.get("user"))
    return format_html(
        '<time datetime="{}" data-event-when>{}</time>',
        event.starts_at.isoformat(),
        local_range(event, zone),
    )


@register.simple_tag
def event_when_in(event, zone_name: str):
    """The same range in a named zone (the venue's, shown next to the viewer's own)."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return local_range(event, zone)


@register.filter
def differs_from_current_zone(event) -> bool:
    """Whether the viewer's zone shows the event at another wall-clock time than its own."""
    try:
        own = zoneinfo.ZoneInfo(event.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    current = timezone.get_current_timezone()
    return (
        event.starts_at.astimezone(own).utcoffset()
        != event.starts_at.astimezone(current).utcoffset()
    )


@register.filter
def status_of(statuses: dict, event_id):
    """The viewer's RSVP status for an event, from queries.statuses_for's mapping."""
    return (statuses or {}).get(event_id, "")
