"""The console's standard periods read the day summaries; the figures are the same as counted
from the member-days and as counted from the activity log itself (docs/metrics.md)."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from flywheel.accounts.models import Role
from flywheel.analytics import queries, services
from flywheel.analytics.models import DaySummary
from flywheel.analytics.queries import Period
from flywheel.core.models import Activity, Verb
from flywheel.core.services import record_activity
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVE = [Verb.TOPIC_CREATED, Verb.REPLY_CREATED, Verb.REACTION_ADDED, Verb.FOLLOWED]
# (member, days back, hour UTC, verb, space): activity across a year and more, near
# midnight UTC in far-apart time zones, on every window's edge.
SCRIPT = [
    (0, 0, 1, Verb.TOPIC_CREATED, 0),
    (0, 1, 23, Verb.REPLY_CREATED, 1),
    (1, 6, 12, Verb.REACTION_ADDED, 0),
    (1, 7, 12, Verb.REPLY_CREATED, None),
    (2, 29, 0, Verb.TOPIC_CREATED, 1),
    (2, 30, 23, Verb.REACTION_ADDED, 1),
    (3, 89, 12, Verb.FOLLOWED, 0),
    (3, 90, 12, Verb.REPLY_CREATED, 0),
    (4, 364, 12, Verb.TOPIC_CREATED, 1),
    (4, 365, 12, Verb.REPLY_CREATED, 1),
    (0, 200, 12, Verb.REACTION_ADDED, 0),
    (1, 3, 12, Verb.FLAG_RAISED, 0),  # not an interaction
    (5, 2, 12, Verb.TOPIC_CREATED, 0),  # the moderator: brand team, left out
]
ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Riga", "Asia/Shanghai"]


@pytest.fixture
def community():
    now = timezone.now()
    members = [
        UserFactory(timezone=zone, date_joined=now - dt.timedelta(days=800)) for zone in ZONES
    ]
    members.append(UserFactory(role=Role.MODERATOR, date_joined=now - dt.timedelta(days=800)))
    spaces = [SpaceFactory(), SpaceFactory()]
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)

    def log(script):
        for who, back, hour, verb, space in script:
            record_activity(
                actor=members[who],
                verb=verb,
                space=spaces[space] if space is not None else None,
                at=min(midnight - dt.timedelta(days=back, hours=-hour), now),
            )

    # Two batches and a periodic update after each: the second only rewrites its days.
    log(SCRIPT[:6])
    services.update_rollups()
    log(SCRIPT[6:])
    services.update_rollups()
    return members, spaces


def raw_active(period: Period, space=None) -> int:
    """Distinct members (brand team left out) with an interaction on a local day of the
    period, straight from the activity log."""
    seen = set()
    for row in Activity.objects.filter(verb__in=ACTIVE).select_related("actor"):
        if row.actor.role in (Role.MODERATOR, Role.ADMIN, Role.OWNER):
            continue
        if space is not None and row.space_id != space.pk:
            continue
        day = row.created_at.astimezone(zoneinfo.ZoneInfo(row.actor.timezone)).date()
        if period.start <= day <= period.end:
            seen.add(row.actor_id)
    return len(seen)


def from_member_days(monkeypatch, function, *args):
    with monkeypatch.context() as patch:
        patch.setattr(queries, "_summarised", lambda period, members=None: False)
        return function(*args)


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_standard_periods_read_summaries_with_the_same_figures(community, monkeypatch, days):
    _members, spaces = community
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=days - 1), today)
    for space in (None, *spaces):
        assert queries._summary_activity(period, space) is not None  # the summary path
        summarised = queries.activity_summary(period, space)
        counted = from_member_days(monkeypatch, queries.activity_summary, period, space)
        assert summarised == counted
        assert summarised["active"] == raw_active(period, space)
        assert summarised["wau"] == raw_active(period.trailing(7), space)
        assert summarised["mau"] == raw_active(period.trailing(30), space)
        previous = period.previous
        assert queries.activity_summary(previous, space) == from_member_days(
            monkeypatch, queries.activity_summary, previous, space
        )
    table = queries.contributions_by_space(period)
    assert table.rows == from_member_days(monkeypatch, queries.contributions_by_space, period).rows
    assert {row[0]: row[1] for row in table.rows} == {
        space.name: raw_active(period, space) for space in spaces if raw_active(period, space)
    }


def test_hand_counted_windows(community):
    """The year's actives by hand: members 0–4 each have an interaction within 365 local
    days (member 4's day-365 reply falls outside in Shanghai), the moderator and
    the flag do not count."""
    today = timezone.localdate()
    year = Period(today - dt.timedelta(days=364), today)
    week = Period(today - dt.timedelta(days=6), today)
    figures = queries.activity_summary(year)
    assert figures["active"] == raw_active(year) == 5
    assert figures["wau"] == raw_active(week)
    assert 2 <= figures["wau"] <= 3  # member 1's day-6 reaction is on the edge, by zone


def test_custom_periods_and_missing_summaries_count_member_days(community, monkeypatch):
    today = timezone.localdate()
    custom = Period(today - dt.timedelta(days=9), today)  # ten days: no summary window
    assert not queries._summarised(custom)
    assert queries.activity_summary(custom)["active"] == raw_active(custom)
    DaySummary.objects.filter(day=today).delete()  # the update has not run today yet
    month = Period(today - dt.timedelta(days=29), today)
    assert queries._summary_activity(month, None) is None
    assert queries.activity_summary(month)["active"] == raw_active(month)


def test_the_sql_path_of_a_few_days_equals_the_one_pass(community):
    """The periodic update summarises its few days in SQL, a rebuild in one pass over the
    member-days: the same rows, for days on every window's edge."""

    def as_rows(created):
        return sorted(
            (
                row.space_id or 0,
                row.day,
                row.active,
                row.active_7,
                row.active_30,
                row.active_90,
                row.active_365,
                row.topics,
                row.questions,
                row.replies,
                row.reactions,
                row.other,
            )
            for row in created
        )

    today = timezone.localdate()
    for back in (0, 6, 29, 89, 364, 400):
        first = today - dt.timedelta(days=back + 2)
        last = today - dt.timedelta(days=back) + dt.timedelta(days=1)
        by_sql = as_rows(services._day_summaries_by_sql(first, last))
        assert by_sql == as_rows(services._day_summaries_in_one_pass(first, last))
        if back == 0:
            assert by_sql  # there is something to compare
    stored = services.recompute_day_summaries(today - dt.timedelta(days=1), today)
    assert stored and queries._summary_activity(Period(today, today).trailing(7), None)
