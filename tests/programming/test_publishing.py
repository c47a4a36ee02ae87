"""Planning and publishing calendar items: each due item becomes a topic exactly once."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from flywheel.accounts.models import Role
from flywheel.community.models import Topic, TopicKind
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.programming import services
from flywheel.programming.models import CalendarItem, CalendarItemState, CalendarLabel
from flywheel.programming.tasks import publish_due_calendar_items_task
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 14, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def frozen(monkeypatch):
    """A settable clock: `frozen.now` is what django.utils.timezone.now() returns."""

    class Clock:
        now = NOON

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _plan(author, space, *, at, title="How to pitch a tent in wind", **extra):
    return services.plan_calendar_item(
        by=author,
        space=space,
        title=title,
        body="Stake the windward side **first**.",
        label=extra.pop("label", CalendarLabel.EDUCATIONAL),
        scheduled_at=at,
        **extra,
    )


def test_a_scheduled_item_is_stored_in_utc_whatever_zone_it_was_entered_in(admin, space):
    tokyo = dt.datetime(2026, 3, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    item = _plan(admin, space, at=tokyo)
    item.refresh_from_db()
    assert item.scheduled_at == dt.datetime(2026, 3, 15, 0, 0, tzinfo=dt.UTC)
    assert item.state == CalendarItemState.SCHEDULED


def test_members_cannot_plan_calendar_items(member, space):
    with pytest.raises(PermissionDenied):
        _plan(member, space, at=NOON)
    assert not CalendarItem.objects.exists()


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("title", {"title": "  "}),
        ("label", {"label": "clickbait"}),
        ("kind", {"kind": TopicKind.QUESTION}),
        ("scheduled_at", {"at": dt.datetime(2026, 3, 14, 12, 0)}),  # noqa: DTZ001 (naive on purpose)
    ],
)
def test_bad_input_is_refused_naming_the_field(admin, space, field, changes):
    at = changes.pop("at", NOON)
    with pytest.raises(InvalidInput) as refused:
        _plan(admin, space, at=at, **changes)
    assert refused.value.field == field


def test_the_task_publishes_a_due_item_once_as_its_author_at_the_frozen_time(admin, space, frozen):
    item = _plan(admin, space, at=NOON + dt.timedelta(minutes=5), kind=TopicKind.ANNOUNCEMENT)
    assert publish_due_calendar_items_task() == 0  # not yet due
    frozen.now = NOON + dt.timedelta(minutes=5)
    assert publish_due_calendar_items_task() == 1
    assert publish_due_calendar_items_task() == 0  # the second run finds nothing to claim
    item.refresh_from_db()
    topic = Topic.objects.get()
    assert item.state == CalendarItemState.PUBLISHED
    assert item.topic == topic
    assert item.published_at == frozen.now
    assert (topic.author, topic.space, topic.kind) == (admin, space, TopicKind.ANNOUNCEMENT)
    assert topic.title == "How to pitch a tent in wind"
    assert "<strong>first</strong>" in topic.posts.get(number=1).body_html


def test_drafts_and_future_items_stay_on_the_calendar(admin, space, frozen):
    _plan(admin, space, at=NOON - dt.timedelta(hours=1), schedule=False)
    _plan(admin, space, at=NOON + dt.timedelta(days=1))
    assert services.publish_due_calendar_items() == 0
    assert not Topic.objects.exists()


def test_a_claimed_item_is_not_published_again(admin, space):
    item = _plan(admin, space, at=NOON)
    first = services.publish_calendar_item(item_id=item.pk)
    second = services.publish_calendar_item(item_id=item.pk)
    assert first.state == CalendarItemState.PUBLISHED
    assert second is None
    assert Topic.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_minute_publish_each_item_once():
    admin = UserFactory(role=Role.ADMIN)
    space = SpaceFactory()
    for n in range(3):
        _plan(admin, space, at=NOON, title=f"Trail tip {n}")
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(services.publish_due_calendar_items())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3
    assert Topic.objects.count() == 3
    assert set(CalendarItem.objects.values_list("state", flat=True)) == {"published"}


def test_an_item_the_author_may_no_longer_post_fails_visibly(admin, space, frozen):
    item = _plan(admin, space, at=NOON)
    admin.role = Role.MEMBER
    admin.save(update_fields=["role"])
    item.kind = TopicKind.ANNOUNCEMENT
    item.save(update_fields=["kind"])
    assert services.publish_due_calendar_items() == 0
    item.refresh_from_db()
    assert item.state == CalendarItemState.FAILED
    assert item.failure_reason
    assert not Topic.objects.exists()


def test_a_published_item_cannot_be_edited(admin, space):
    item = _plan(admin, space, at=NOON)
    services.publish_calendar_item(item_id=item.pk)
    with pytest.raises(Conflict):
        services.edit_calendar_item(
            item=item,
            by=admin,
            space=space,
            title="Changed",
            body="Changed",
            kind=TopicKind.DISCUSSION,
            label=CalendarLabel.EDUCATIONAL,
            scheduled_at=NOON,
            schedule=True,
        )


def test_saving_a_failed_item_schedules_it_again(admin, space):
    item = _plan(admin, space, at=NOON)
    CalendarItem.objects.filter(pk=item.pk).update(state="failed", failure_reason="Space closed")
    item.refresh_from_db()
    edited = services.edit_calendar_item(
        item=item,
        by=admin,
        space=space,
        title=item.title,
        body=item.body,
        kind=item.kind,
        label=item.label,
        scheduled_at=NOON,
        schedule=True,
    )
    assert (edited.state, edited.failure_reason) == (CalendarItemState.SCHEDULED, "")
    assert services.publish_due_calendar_items() == 1


def test_deleting_a_published_item_keeps_its_topic(admin, space):
    item = _plan(admin, space, at=NOON)
    services.publish_calendar_item(item_id=item.pk)
    services.delete_calendar_item(item=item, by=admin)
    assert not CalendarItem.objects.exists()
    assert Topic.objects.count() == 1
