"""Every write of the bridges app: which new topics leave for which channels.

The posting itself is core.outbound's: stored, sent after commit, retried with backoff,
held back as long as a platform's rate limit says, dead-lettered and replayable."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from flywheel.bridges import queries
from flywheel.bridges.models import Bridge
from flywheel.bridges.senders import KIND
from flywheel.community.models import Topic, TopicKind
from flywheel.core.outbound import enqueue_outbound

# Public events are announced this long before they start (beat checks every 5 minutes).
REMINDER_LEAD = timedelta(hours=1)


def _throttle_key(bridge: Bridge) -> str:
    return f"bridge:{bridge.pk}"


def bridge_new_topic(*, topic: Topic) -> int:
    """Queue a post about a new public topic to every bridge that carries it, once per
    bridge. Returns how many messages were queued now."""
    if not queries.is_public(topic):
        return 0
    reason = "announcement" if topic.kind == TopicKind.ANNOUNCEMENT else "topic"
    queued = 0
    with transaction.atomic():
        for bridge in queries.bridges_for_topic(topic):
            _message, created = enqueue_outbound(
                kind=KIND,
                payload={"bridge_id": bridge.pk, "topic_id": topic.pk, "reason": reason},
                dedupe_key=f"bridge:{bridge.pk}:topic:{topic.pk}",
                throttle_key=_throttle_key(bridge),
            )
            queued += created
    return queued


def send_test_post(*, bridge: Bridge) -> None:
    """A message that says the bridge works (the admin's "Send a test message")."""
    now = timezone.now()
    enqueue_outbound(
        kind=KIND,
        payload={"bridge_id": bridge.pk, "reason": "test"},
        dedupe_key=f"bridge:{bridge.pk}:test:{now.isoformat()}",
        throttle_key=_throttle_key(bridge),
    )


def queue_event_reminders(*, now: datetime | None = None) -> int:
    """Queue one reminder per bridge that carries them for every scheduled event starting
    within the hour. Once per (bridge, event, start time): a run every few minutes adds
    nothing twice, and an event moved to a new time is announced again. Returns how many
    messages were queued now."""
    from flywheel.events.models import EventState
    from flywheel.events.queries import events_for

    now = now or timezone.now()
    bridges = list(Bridge.objects.filter(is_active=True, post_event_reminders=True))
    if not bridges:
        return 0
    events = list(
        events_for(None)
        .filter(state=EventState.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD)
        .order_by("starts_at", "pk")
    )
    queued = 0
    with transaction.atomic():
        for event in events:
            for bridge in bridges:
                _message, created = enqueue_outbound(
                    kind=KIND,
                    payload={"bridge_id": bridge.pk, "event_id": event.pk, "reason": "event"},
                    dedupe_key=(
                        f"bridge:{bridge.pk}:event:{event.pk}:{event.starts_at:%Y%m%dT%H%M%SZ}"
                    ),
                    throttle_key=_throttle_key(bridge),
                )
                queued += created
    return queued
