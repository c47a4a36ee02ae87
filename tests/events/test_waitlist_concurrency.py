"""Waitlist promotion under concurrent cancellations and RSVPs, in real threads with their own
database connections, on PostgreSQL (SQLite serialises every write, so it cannot race).

Without the lock on the event row, two cancellations committing at once each count the seats
before the other's commit, and both promote the same first member waiting: a seat stays empty
while someone waits. With it, each cancellation sees the one before it."""

import threading

import pytest
from django.db import close_old_connections, connection

from flywheel.core.models import Activity, Verb
from flywheel.events import services
from flywheel.events.models import Event, RegistrationStatus
from tests.events.conftest import make_event, members
from tests.factories import ModeratorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(jobs) -> list[BaseException]:
    """Start every job together (a barrier) in its own thread and connection."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _statuses(event) -> dict[int, str]:
    return dict(event.registrations.values_list("member_id", "status"))


def test_concurrent_cancellations_promote_exactly_one_member_waiting_each_in_order():
    event = make_event(by=ModeratorFactory(), capacity=6)
    going = members(6)
    waiting = members(9)
    for member in going + waiting:
        services.register_for_event(event=event, member=member)
    leaving = going[:6]

    errors = run_at_once(
        [lambda m=m: services.cancel_registration(event=event, member=m) for m in leaving]
    )

    assert errors == []
    statuses = _statuses(event)
    # The six seats went to the first six waiting, in the order they joined the waitlist.
    assert [statuses[m.pk] for m in waiting] == ["going"] * 6 + ["waitlisted"] * 3
    assert all(statuses[m.pk] == RegistrationStatus.CANCELLED for m in leaving)
    event = Event.objects.get(pk=event.pk)
    assert (event.going_count, event.waitlist_count) == (6, 3)
    promoted = Activity.objects.filter(verb=Verb.EVENT_REGISTERED, actor__in=waiting[:6])
    assert promoted.count() == 6


def test_concurrent_rsvps_never_fill_an_event_past_its_capacity():
    event = make_event(by=ModeratorFactory(), capacity=4)
    crowd = members(14)

    errors = run_at_once(
        [lambda m=m: services.register_for_event(event=event, member=m) for m in crowd]
    )

    assert errors == []
    statuses = list(_statuses(event).values())
    assert statuses.count("going") == 4
    assert statuses.count("waitlisted") == 10
    event = Event.objects.get(pk=event.pk)
    assert (event.going_count, event.waitlist_count) == (4, 10)


def test_cancellations_racing_new_rsvps_leave_no_seat_empty_while_someone_waits():
    event = make_event(by=ModeratorFactory(), capacity=5)
    going = members(5)
    waiting = members(3)
    for member in going + waiting:
        services.register_for_event(event=event, member=member)
    newcomers = members(6)

    jobs = [lambda m=m: services.cancel_registration(event=event, member=m) for m in going[:4]]
    jobs += [lambda m=m: services.register_for_event(event=event, member=m) for m in newcomers]
    errors = run_at_once(jobs)

    assert errors == []
    statuses = _statuses(event)
    assert list(statuses.values()).count("going") == 5
    # Everyone waiting before the rush got a seat before any newcomer did.
    assert all(statuses[m.pk] == "going" for m in waiting)
    assert list(statuses.values()).count("waitlisted") == 5
