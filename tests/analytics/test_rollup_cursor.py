"""The periodic update's activity cursor: rows committed late below it (a transaction open
during a run) are still counted, and rows already counted are not counted again, whatever
day they are dated."""

import datetime as dt

import pytest
from django.utils import timezone

from flywheel.analytics import services
from flywheel.analytics.models import DaySummary, MemberDay, RollupCursor
from flywheel.core.models import Activity, Verb
from flywheel.core.services import record_activity
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def gaps_from(first_id: int) -> list[int]:
    """The cursor's gaps from this test's first row on (on PostgreSQL, ids below it belong to
    other tests' rolled-back rows: gaps too)."""
    gaps = RollupCursor.objects.get(name=services.CURSOR_NAME).activity_gaps
    return [pk for pk in gaps if pk >= first_id]


@pytest.fixture
def rewritten_days(monkeypatch):
    """The days each run's member-day rewrite was asked for."""
    calls: list[set[dt.date]] = []
    original = services.recompute_member_days

    def spy(touched):
        calls.append(set().union(*touched.values()) if touched else set())
        return original(touched)

    monkeypatch.setattr(services, "recompute_member_days", spy)
    return calls


def test_a_row_committed_late_into_a_gap_is_counted():
    member, space = UserFactory(timezone="UTC"), SpaceFactory()
    now = timezone.now()
    rows = [
        record_activity(actor=member, verb=Verb.REPLY_CREATED, space=space, at=now)
        for _ in range(3)
    ]
    # The middle row's transaction is still open when the update runs: its id is a gap.
    late = rows[1]
    Activity.objects.filter(pk=late.pk).delete()
    services.update_rollups()
    cursor = RollupCursor.objects.get(name=services.CURSOR_NAME)
    assert cursor.last_activity_id == rows[2].pk
    assert late.pk in cursor.activity_gaps
    # It commits after the run, dated two days back (a reply written offline, say).
    two_days_ago = now - dt.timedelta(days=2)
    Activity.objects.create(
        pk=late.pk, actor=member, verb=Verb.REPLY_CREATED, space=space, created_at=two_days_ago
    )
    services.update_rollups()
    day = MemberDay.objects.get(member=member, day=two_days_ago.date())
    assert day.replies == 1
    assert DaySummary.objects.get(day=two_days_ago.date(), space=None).active == 1
    assert gaps_from(rows[0].pk) == []


def test_rows_counted_before_are_not_rewritten_again(rewritten_days):
    member, space = UserFactory(timezone="UTC"), SpaceFactory()
    now = timezone.now()
    long_ago = now - dt.timedelta(days=200)
    record_activity(actor=member, verb=Verb.TOPIC_CREATED, space=space, at=long_ago)
    services.update_rollups()
    assert rewritten_days[-1] == {long_ago.date()}
    # The next run's new row is today's; the one from 200 days ago is within the lookback
    # but was counted, so neither its member-day nor the 200 days since are rewritten.
    record_activity(actor=member, verb=Verb.REPLY_CREATED, space=space, at=now)
    services.update_rollups()
    assert rewritten_days[-1] == {now.date()}
    assert MemberDay.objects.get(member=member, day=long_ago.date()).topics == 1
    assert DaySummary.objects.get(day=now.date(), space=None).active_365 == 1


def test_after_a_rebuild_the_whole_lookback_is_counted_again(rewritten_days):
    """A rebuild cannot know which rows were still uncommitted while it read: the next run
    reads every row of the lookback again."""
    member = UserFactory(timezone="UTC")
    long_ago = timezone.now() - dt.timedelta(days=200)
    first = record_activity(actor=member, verb=Verb.TOPIC_CREATED, at=long_ago)
    services.rebuild_rollups()
    assert RollupCursor.objects.get(name=services.CURSOR_NAME).activity_gaps is None
    services.update_rollups()
    assert rewritten_days[-1] == {long_ago.date()}
    assert gaps_from(first.pk) == []
