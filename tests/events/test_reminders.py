"""Reminder e-mails 24 h and 1 h before an event, with a frozen clock: the task is run at
chosen instants (`now=`), across the spring and autumn changes of European summer time.

Europe moves its clocks in the night to the last Sunday of March and October; the US does so
two weeks earlier in spring and a week later in autumn, so the same instant reads differently
to members in Berlin and New York from one day to the next."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail

from flywheel.events import services
from flywheel.events.models import EventKind
from tests.events.conftest import make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _going(event, member, *, at):
    return services.register_for_event(event=event, member=member, at=at)


@pytest.fixture
def berliner(db):
    return UserFactory(handle="berliner", timezone="Europe/Berlin", language="de")


@pytest.fixture
def new_yorker(db):
    return UserFactory(handle="newyorker", timezone="America/New_York", language="en")


@pytest.fixture
def spring_event(staff):
    # Sunday 28 March 2027, 10:00 in Berlin: the first morning of summer time (CEST, UTC+2),
    # so 08:00 UTC. 24 hours earlier is Saturday 08:00 UTC, 09:00 in Berlin (still CET):
    # not "the same time the day before".
    return make_event(
        by=staff,
        title="Spring gear AMA",
        starts_at=datetime(2027, 3, 28, 10, 0),  # noqa: DTZ001 - wall-clock time in Berlin
        time_zone="Europe/Berlin",
    )


def test_the_day_reminder_goes_exactly_24_hours_before_across_the_spring_change(
    spring_event, berliner, new_yorker
):
    assert spring_event.starts_at == utc(2027, 3, 28, 8, 0)
    for member in (berliner, new_yorker):
        _going(spring_event, member, at=utc(2027, 3, 20, 12, 0))

    before = services.send_event_reminders(now=utc(2027, 3, 27, 8, 0) - MINUTE)
    on_time = services.send_event_reminders(now=utc(2027, 3, 27, 8, 0))
    again = services.send_event_reminders(now=utc(2027, 3, 27, 8, 5))

    assert before == {"day": 0, "hour": 0}
    assert on_time == {"day": 2, "hour": 0}
    assert again == {"day": 0, "hour": 0}
    bodies = {message.to[0]: message.body for message in mail.outbox}
    # Each member reads the start in their own zone, on the right side of each change.
    assert "10:00–11:00 CEST" in bodies[berliner.email]
    assert "04:00–05:00 EDT" in bodies[new_yorker.email]


def test_the_hour_reminder_goes_once_an_hour_before_after_the_clocks_moved(spring_event, berliner):
    _going(spring_event, berliner, at=utc(2027, 3, 20, 12, 0))
    services.send_event_reminders(now=utc(2027, 3, 27, 8, 0))
    mail.outbox.clear()

    # The night's change (01:00 UTC) is between the two reminders.
    early = services.send_event_reminders(now=utc(2027, 3, 28, 7, 0) - MINUTE)
    on_time = services.send_event_reminders(now=utc(2027, 3, 28, 7, 0))
    late_rerun = services.send_event_reminders(now=utc(2027, 3, 28, 7, 40))
    started = services.send_event_reminders(now=utc(2027, 3, 28, 8, 1))

    assert early == {"day": 0, "hour": 0}
    assert on_time == {"day": 0, "hour": 1}
    assert late_rerun == started == {"day": 0, "hour": 0}
    assert len(mail.outbox) == 1
    assert "10:00" in mail.outbox[0].body


def test_the_day_reminder_follows_utc_not_the_wall_clock_when_autumn_falls_back(staff, berliner):
    # Sunday 31 October 2027, 10:00 in Berlin, the first morning of winter time: 09:00 UTC.
    # 24 hours earlier is Saturday 09:00 UTC, which is 11:00 in Berlin (summer time).
    event = make_event(
        by=staff,
        starts_at=datetime(2027, 10, 31, 10, 0),  # noqa: DTZ001 - wall-clock time in Berlin
        time_zone="Europe/Berlin",
    )
    _going(event, berliner, at=utc(2027, 10, 20, 12, 0))

    at_local_ten = services.send_event_reminders(now=utc(2027, 10, 30, 8, 0))
    at_24_hours = services.send_event_reminders(now=utc(2027, 10, 30, 9, 0))

    assert at_local_ten == {"day": 0, "hour": 0}
    assert at_24_hours == {"day": 1, "hour": 0}
    assert "10:00–11:00 CET" in mail.outbox[0].body


def test_reminders_are_written_in_the_members_language(spring_event, staff):
    italian = UserFactory(timezone="Europe/Rome", language="it")
    _going(spring_event, italian, at=utc(2027, 3, 20, 12, 0))

    services.send_event_reminders(now=utc(2027, 3, 27, 8, 0))

    # Day and month names come from Django's own Italian catalogue: "dom 28 mar 2027".
    assert "dom 28 mar 2027" in mail.outbox[0].body.lower()


def test_a_seat_confirmed_inside_a_window_gets_only_the_later_reminders(spring_event):
    late_comer = UserFactory(timezone="Europe/Berlin")
    _going(spring_event, late_comer, at=utc(2027, 3, 27, 20, 0))  # 12 h before

    day = services.send_event_reminders(now=utc(2027, 3, 27, 21, 0))
    hour = services.send_event_reminders(now=utc(2027, 3, 28, 7, 0))

    assert day == {"day": 0, "hour": 0}
    assert hour == {"day": 0, "hour": 1}


def test_a_late_run_sends_the_hour_reminder_only_never_both(spring_event):
    member = UserFactory()
    _going(spring_event, member, at=utc(2027, 3, 20, 12, 0))

    # The scheduler was down all day: the first run is 30 minutes before the start.
    sent = services.send_event_reminders(now=utc(2027, 3, 28, 7, 30))

    assert sent == {"day": 0, "hour": 1}
    assert len(mail.outbox) == 1


def test_cancelled_rsvps_waitlisted_members_and_cancelled_events_get_no_reminder(staff):
    start = datetime(2027, 3, 28, 10, 0)  # noqa: DTZ001 - wall-clock time in Berlin
    full = make_event(by=staff, capacity=1, starts_at=start, time_zone="Europe/Berlin")
    called_off = make_event(by=staff, starts_at=start, time_zone="Europe/Berlin")
    seated, waiting, gone_to_other = (UserFactory() for _ in range(3))
    registered_at = utc(2027, 3, 20, 12, 0)
    _going(full, seated, at=registered_at)
    _going(full, waiting, at=registered_at)
    services.cancel_registration(event=full, member=seated, at=registered_at)  # promotes
    _going(called_off, gone_to_other, at=registered_at)
    services.cancel_event(event=called_off, by=staff)
    mail.outbox.clear()

    services.send_event_reminders(now=utc(2027, 3, 27, 8, 0))

    assert [message.to for message in mail.outbox] == [[waiting.email]]


def test_the_reminder_links_to_the_event_and_its_calendar_file(spring_event):
    member = UserFactory()
    _going(spring_event, member, at=utc(2027, 3, 20, 12, 0))

    services.send_event_reminders(now=utc(2027, 3, 27, 8, 0))

    body = mail.outbox[0].body
    assert spring_event.get_absolute_url() in body
    assert f"/events/{spring_event.pk}/event.ics" in body
    assert mail.outbox[0].subject.endswith("Tomorrow: Spring gear AMA")


def test_the_reminders_run_every_five_minutes_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["events-send-reminders"]
    assert entry == {"task": "flywheel.events.tasks.send_event_reminders", "schedule": 300}


def test_a_live_stream_reminder_carries_the_link_to_watch(staff):
    event = make_event(
        by=staff,
        kind=EventKind.LIVESTREAM,
        online_url="https://live.example.com/launch",
        starts_at=datetime(2027, 3, 28, 10, 0),  # noqa: DTZ001
        time_zone="Europe/Berlin",
    )
    member = UserFactory()
    _going(event, member, at=utc(2027, 3, 20, 12, 0))

    services.send_event_reminders(now=utc(2027, 3, 28, 7, 0))

    assert "https://live.example.com/launch" in mail.outbox[0].body


def test_the_command_sends_the_reminders_due_now(staff):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    event = make_event(by=staff, starts_at=timezone.now() + timedelta(minutes=30))
    member = UserFactory()
    _going(event, member, at=timezone.now() - timedelta(days=2))
    output = StringIO()

    call_command("events", "send-reminders", stdout=output)
    call_command("events", "send-reminders", stdout=StringIO())

    assert "0 a day before, 1 an hour before" in output.getvalue()
    assert [message.to for message in mail.outbox] == [[member.email]]
