"""Public events are announced on the bridges that carry reminders, an hour before they start,
once per start time."""

from datetime import UTC, datetime, timedelta

import pytest

from flywheel.bridges import services
from flywheel.bridges.models import Bridge
from flywheel.core import outbound
from flywheel.core.models import DeliveryState, OutboundMessage
from flywheel.events import services as events
from flywheel.events.models import EventFormat, EventKind
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 28, 17, 0, tzinfo=UTC)  # the day before Europe's clocks go forward


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def reminding(bridges):
    Bridge.objects.update(post_event_reminders=True)
    return bridges


def _event(*, starts_in: timedelta, title="Ask our designers anything", **kwargs):
    starts = NOW + starts_in
    return events.schedule_event(
        by=AdminFactory(),
        title=title,
        kind=EventKind.AMA,
        format=EventFormat.ONLINE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        time_zone="Europe/Rome",
        at=NOW - timedelta(days=3),
        **kwargs,
    )


def _send_all():
    for message_id in OutboundMessage.objects.values_list("pk", flat=True):
        outbound.send_outbound(message_id=message_id)


def test_an_event_starting_within_the_hour_is_announced_once_on_each_bridge(
    reminding, fake, django_capture_on_commit_callbacks
):
    event = _event(starts_in=timedelta(minutes=50))
    _event(starts_in=timedelta(hours=3), title="Later")

    with django_capture_on_commit_callbacks(execute=False):
        assert services.queue_event_reminders(now=NOW) == 3
        assert services.queue_event_reminders(now=NOW + timedelta(minutes=5)) == 0
    _send_all()

    assert {request.platform for request in fake.received} == {"discord", "slack", "telegram"}
    (discord,) = fake.to("discord")
    embed = discord.body["embeds"][0]
    assert embed["title"] == "Ask our designers anything"
    assert embed["url"].endswith(event.get_absolute_url())
    # 17:50 UTC is 18:50 in Rome (winter time, the day before the change).
    assert "18:50" in embed["description"] or "6:50" in embed["description"]
    assert "Europe/Rome" in embed["description"]
    assert discord.body["content"] == "Starting soon: AMA"


def test_bridges_without_reminders_and_cancelled_events_stay_quiet(
    bridges, fake, django_capture_on_commit_callbacks
):
    _event(starts_in=timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=False):
        assert services.queue_event_reminders(now=NOW) == 0

    Bridge.objects.update(post_event_reminders=True)
    cancelled = _event(starts_in=timedelta(minutes=40), title="Called off")
    with django_capture_on_commit_callbacks(execute=False):
        services.queue_event_reminders(now=NOW)
    events.cancel_event(event=cancelled, by=AdminFactory())
    _send_all()

    titles = [request.body.get("embeds", [{}])[0].get("title") for request in fake.to("discord")]
    assert "Called off" not in titles
    dead = OutboundMessage.objects.filter(
        state=DeliveryState.DEAD, dedupe_key__contains=f":event:{cancelled.pk}:"
    )
    assert dead.count() == 3
    assert "cancelled" in dead.first().last_error
