"""Every write of the analytics app: the rollups (derived, recomputed) and staff-entered costs.

The rollups are recomputed, never incremented: a member's, a customer's or a question's rows
are deleted and written again from the source tables. That makes each step idempotent (a
task that runs twice writes the same rows) and lets one code path serve both the periodic
incremental update (`update_rollups`: only what changed since the last run) and the full
`rebuild_rollups`. The property test in tests/analytics checks both against a from-scratch
computation. Two exceptions: an erasure subtracts the erased member's own rows from the
summaries (`forget_member_in_summaries`) instead of recomputing every day they touched, and a
member who changed time zone has their rows subtracted, recomputed and added back
(`move_members_to_their_zones`).
"""

import datetime as dt
import logging
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.accounts.models import BRAND_TEAM_ROLES
from flywheel.analytics.models import (
    ALL_CURRENCIES,
    SUMMARY_WINDOWS,
    ZERO,
    CommerceDaySummary,
    CommunityCost,
    CostCategory,
    CustomerDay,
    DaySummary,
    MemberDay,
    MemberFact,
    MemberMonth,
    MemberSource,
    PostVoice,
    ProductLinkClick,
    QuestionFact,
    RollupCursor,
    SegmentMember,
    SegmentPush,
    SegmentState,
    StaffReportSent,
)
from flywheel.commerce.models import Customer, Order
from flywheel.community.models import Post, Topic, TopicKind
from flywheel.core.exceptions import InvalidInput
from flywheel.core.models import Activity, Verb
from flywheel.referrals.queries import referred_member_ids

logger = logging.getLogger(__name__)

# Which verbs make a member "active" on a day, and which column each one counts in.
ACTIVE_VERBS = {
    Verb.TOPIC_CREATED: "topics",
    Verb.REPLY_CREATED: "replies",
    Verb.REACTION_ADDED: "reactions",
    Verb.ANSWER_ACCEPTED: "other",
    Verb.FOLLOWED: "other",
    Verb.SPACE_JOINED: "other",
    Verb.POST_EDITED: "other",
}
# Verbs whose activity can change a question's facts; the topic id is in target or payload.
QUESTION_VERBS = {Verb.TOPIC_CREATED, Verb.REPLY_CREATED, Verb.ANSWER_ACCEPTED, Verb.POST_DELETED}
CHUNK = 500
CURSOR_NAME = "rollups"
# Activity ids are assigned at insert but become visible at commit, so a slow transaction
# can commit an id below the cursor after a run passed it. Each run re-reads this many ids
# below its cursor (recomputing is idempotent), far more than commit during one transaction.
ACTIVITY_ID_LOOKBACK = 1000
# The same for order changes, in time: orders saved this long before the cursor are re-read.
ORDER_CHANGE_LOOKBACK = dt.timedelta(minutes=10)

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def local_day(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The calendar day `moment` falls on where the member lives."""
    return timezone.localtime(moment, zone).date()


def member_zone(name: str | None) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- Members: active days, months and facts ---------------------------------------------------


@transaction.atomic
def recompute_members(member_ids: Iterable[int]) -> None:
    """Rewrite the MemberDay, MemberMonth and MemberFact rows of these members."""
    member_ids = list(member_ids)
    members = {
        row["pk"]: row
        for row in get_user_model()
        .objects.filter(pk__in=member_ids)
        .values("pk", "timezone", "date_joined", "role")
    }
    zones = {pk: member_zone(row["timezone"]) for pk, row in members.items()}
    days: dict[tuple[int, dt.date, int | None], dict[str, int]] = defaultdict(
        lambda: {"topics": 0, "questions": 0, "replies": 0, "reactions": 0, "other": 0}
    )
    activities = Activity.objects.filter(
        actor_id__in=list(members), verb__in=list(ACTIVE_VERBS)
    ).values_list("actor_id", "verb", "space_id", "created_at", "payload")
    for actor_id, verb, space_id, created_at, payload in activities.iterator(chunk_size=2000):
        counts = days[(actor_id, local_day(created_at, zones[actor_id]), space_id)]
        counts[ACTIVE_VERBS[verb]] += 1
        if verb == Verb.TOPIC_CREATED and (payload or {}).get("kind") == TopicKind.QUESTION:
            counts["questions"] += 1
    first_orders = dict(
        Order.objects.counting()
        .filter(customer__member_id__in=list(members), placed_at__isnull=False)
        .values("customer__member_id")
        .annotate(first=Min("placed_at"))
        .values_list("customer__member_id", "first")
    )

    referred = referred_member_ids(members)

    MemberDay.objects.filter(member_id__in=member_ids).delete()
    MemberMonth.objects.filter(member_id__in=member_ids).delete()
    MemberFact.objects.filter(member_id__in=member_ids).delete()
    team = {pk for pk, row in members.items() if row["role"] in BRAND_TEAM_ROLES}
    MemberDay.objects.bulk_create(
        [
            MemberDay(
                member_id=member_id,
                day=day,
                space_id=space_id,
                is_team=member_id in team,
                **counts,
            )
            for (member_id, day, space_id), counts in days.items()
        ],
        batch_size=1000,
    )
    active_days: dict[int, set[dt.date]] = defaultdict(set)
    for member_id, day, _space_id in days:
        active_days[member_id].add(day)
    facts, months = [], []
    for pk, row in members.items():
        zone = zones[pk]
        joined_on = local_day(row["date_joined"], zone)
        cohort = joined_on.replace(day=1)
        first_order_at = first_orders.get(pk)
        own_days = active_days.get(pk, set())
        facts.append(
            MemberFact(
                member_id=pk,
                joined_on=joined_on,
                cohort_month=cohort,
                source=_source(
                    referred=pk in referred,
                    first_order_at=first_order_at,
                    joined_at=row["date_joined"],
                ),
                is_team=row["role"] in BRAND_TEAM_ROLES,
                first_order_on=local_day(first_order_at, zone) if first_order_at else None,
                first_active_on=min(own_days) if own_days else None,
                last_active_on=max(own_days) if own_days else None,
                timezone=row["timezone"],
            )
        )
        months.extend(
            MemberMonth(member_id=pk, month=month, cohort_month=cohort, is_team=pk in team)
            for month in {day.replace(day=1) for day in own_days}
        )
    MemberFact.objects.bulk_create(facts, batch_size=1000)
    MemberMonth.objects.bulk_create(months, batch_size=1000)


def _day_counts(activities) -> dict[tuple[int, dt.date, int | None], dict[str, int]]:
    """(member, local day, space) -> the day's counts, from (actor, verb, space, created_at,
    payload, zone) rows."""
    days: dict[tuple[int, dt.date, int | None], dict[str, int]] = defaultdict(
        lambda: {"topics": 0, "questions": 0, "replies": 0, "reactions": 0, "other": 0}
    )
    for actor_id, verb, space_id, created_at, payload, zone in activities:
        counts = days[(actor_id, local_day(created_at, zone), space_id)]
        counts[ACTIVE_VERBS[verb]] += 1
        if verb == Verb.TOPIC_CREATED and (payload or {}).get("kind") == TopicKind.QUESTION:
            counts["questions"] += 1
    return days


def _day_ranges(days: Iterable[dt.date]) -> Q:
    """The UTC moments that can fall on these local days anywhere (±14 hours), contiguous
    days merged: a filter on Activity.created_at."""
    query = Q(pk__in=[])
    ordered = sorted(set(days))
    runs: list[list[dt.date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days <= 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    for first, last in runs:
        start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(hours=15)
        end = dt.datetime.combine(last, dt.time.min, tzinfo=dt.UTC) + dt.timedelta(hours=39)
        query |= Q(created_at__gte=start, created_at__lt=end)
    return query


@transaction.atomic
def recompute_member_days(touched: dict[int, set[dt.date]]) -> set[dt.date]:
    """Rewrite only the MemberDay and MemberMonth rows of these members on these local days
    (the periodic update: what a run's new activity touched, bounded by the day's activity
    rather than the members' whole history). Returns the days rewritten."""
    member_ids = sorted(touched)
    days = set().union(*touched.values()) if touched else set()
    if not member_ids or not days:
        return set()
    members = {
        row["pk"]: row
        for row in get_user_model()
        .objects.filter(pk__in=member_ids)
        .values("pk", "timezone", "role")
    }
    zones = {pk: member_zone(row["timezone"]) for pk, row in members.items()}
    activities = Activity.objects.filter(
        _day_ranges(days), actor_id__in=list(members), verb__in=list(ACTIVE_VERBS)
    ).values_list("actor_id", "verb", "space_id", "created_at", "payload")
    counted = _day_counts(
        (actor, verb, space, at, payload, zones[actor])
        for actor, verb, space, at, payload in activities.iterator(chunk_size=2000)
    )
    # Every (member, day) of the cross product is rewritten from the activities of those days.
    MemberDay.objects.filter(member_id__in=member_ids, day__in=days).delete()
    team = {pk for pk, row in members.items() if row["role"] in BRAND_TEAM_ROLES}
    MemberDay.objects.bulk_create(
        [
            MemberDay(
                member_id=member_id, day=day, space_id=space_id, is_team=member_id in team, **c
            )
            for (member_id, day, space_id), c in counted.items()
            if day in days
        ],
        batch_size=1000,
    )
    # The months of those days: a member is active in a month while any of its days is.
    months = {day.replace(day=1) for day in days}
    month_filter = Q(pk__in=[])
    for month in months:
        month_filter |= Q(day__gte=month, day__lt=_next_month(month))
    active_months = {
        (member_id, day.replace(day=1))
        for member_id, day in MemberDay.objects.filter(
            month_filter, member_id__in=member_ids
        ).values_list("member_id", "day")
    }
    MemberMonth.objects.filter(member_id__in=member_ids, month__in=months).delete()
    cohorts = dict(
        MemberFact.objects.filter(member_id__in=member_ids).values_list("member_id", "cohort_month")
    )
    user_model = get_user_model()
    for pk in {m for m, _month in active_months} - set(cohorts):
        joined = user_model.objects.filter(pk=pk).values_list("date_joined", flat=True).first()
        cohorts[pk] = local_day(joined, zones[pk]).replace(day=1)
    MemberMonth.objects.bulk_create(
        [
            MemberMonth(
                member_id=member_id,
                month=month,
                cohort_month=cohorts[member_id],
                is_team=member_id in team,
            )
            for member_id, month in active_months
        ],
        batch_size=1000,
    )
    return days


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


@transaction.atomic
def recompute_member_facts(member_ids: Iterable[int]) -> None:
    """Rewrite the MemberFact rows of these members: sign-up, source and first order from the
    source tables, first and last active day from their MemberDay rows."""
    member_ids = list(member_ids)
    members = {
        row["pk"]: row
        for row in get_user_model()
        .objects.filter(pk__in=member_ids)
        .values("pk", "timezone", "date_joined", "role")
    }
    active = {
        row["member_id"]: (row["first"], row["last"])
        for row in MemberDay.objects.filter(member_id__in=list(members))
        .values("member_id")
        .annotate(first=Min("day"), last=Max("day"))
        .order_by()
    }
    first_orders = dict(
        Order.objects.counting()
        .filter(customer__member_id__in=list(members), placed_at__isnull=False)
        .values("customer__member_id")
        .annotate(first=Min("placed_at"))
        .values_list("customer__member_id", "first")
    )
    referred = referred_member_ids(members)
    facts = []
    for pk, row in members.items():
        zone = member_zone(row["timezone"])
        joined_on = local_day(row["date_joined"], zone)
        first_order_at = first_orders.get(pk)
        first_active, last_active = active.get(pk, (None, None))
        facts.append(
            MemberFact(
                member_id=pk,
                joined_on=joined_on,
                cohort_month=joined_on.replace(day=1),
                source=_source(
                    referred=pk in referred,
                    first_order_at=first_order_at,
                    joined_at=row["date_joined"],
                ),
                is_team=row["role"] in BRAND_TEAM_ROLES,
                first_order_on=local_day(first_order_at, zone) if first_order_at else None,
                first_active_on=first_active,
                last_active_on=last_active,
                timezone=row["timezone"],
            )
        )
    MemberFact.objects.bulk_create(
        facts,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=[
            "joined_on",
            "cohort_month",
            "source",
            "is_team",
            "first_order_on",
            "first_active_on",
            "last_active_on",
            # Not the time zone: only recompute_members, which rewrites every row of the
            # member in one zone, changes it (a new fact takes the zone of today).
        ],
    )


# --- Day summaries: the console's standard periods ------------------------------------------

SUMMARY_SUMS = ("topics", "questions", "replies", "reactions", "other")


# Up to this many days are summarised in SQL (one aggregate per member over the year before);
# longer ranges (a rebuild) take the one pass over the member-days in Python.
SQL_SUMMARY_DAYS = 7


@transaction.atomic
def recompute_day_summaries(first: dt.date, last: dt.date) -> int:
    """Rewrite the DaySummary rows of the days first..last (all spaces and each space) from
    the member-days of those days and the 364 before them. Returns the rows written."""
    if last < first:
        return 0
    if (last - first).days < SQL_SUMMARY_DAYS:
        created = _day_summaries_by_sql(first, last)
    else:
        created = _day_summaries_in_one_pass(first, last)
    DaySummary.objects.filter(day__gte=first, day__lte=last).delete()
    DaySummary.objects.bulk_create(created, batch_size=2000)
    return len(created)


def _day_summaries_by_sql(first: dt.date, last: dt.date) -> list[DaySummary]:
    """A few days (the periodic update): per member (and space), the last active day on or
    before each of the days, in one grouped aggregate over the year before; a member is in a
    window of N days ending D when that last day is within it. Then the days' sums."""
    from django.db import connection

    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    origin = first - dt.timedelta(days=max(SUMMARY_WINDOWS) - 1)
    table = MemberDay._meta.db_table
    lasts = ", ".join(f"MAX(CASE WHEN day <= %s THEN day END) AS l{i}" for i in range(len(days)))
    windows = (1, *SUMMARY_WINDOWS)
    counts = ", ".join(
        f"COUNT(CASE WHEN l{i} >= %s THEN 1 END)" for i in range(len(days)) for _n in windows
    )
    count_params = [day - dt.timedelta(days=n - 1) for day in days for n in windows]
    rows = []
    for scope_column, where in (("NULL", ""), ("space_id", "AND space_id IS NOT NULL")):
        group = ", space_id" if scope_column != "NULL" else ""
        sql = (
            f"SELECT {scope_column}, {counts} FROM ("  # noqa: S608 - no input in the SQL
            f"SELECT member_id{group}, {lasts} FROM {table} "
            f"WHERE is_team = %s AND day >= %s AND day <= %s {where} "
            f"GROUP BY member_id{group}) AS members" + (" GROUP BY space_id" if group else "")
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*count_params, *days, False, origin, last])
            rows += cursor.fetchall()
    sums = _day_sums(first, last)
    created = []
    for scope, *values in rows:
        if scope is None and not any(values):
            continue  # no member-day at all in the year: nothing to summarise (as one pass)
        for i, day in enumerate(days):
            actives = values[i * len(windows) : (i + 1) * len(windows)]
            day_sums = sums.get((scope, day), {})
            created.append(
                DaySummary(
                    day=day,
                    space_id=scope,
                    active=actives[0],
                    **{f"active_{n}": actives[k + 1] for k, n in enumerate(SUMMARY_WINDOWS)},
                    **{key: day_sums.get(key) or 0 for key in SUMMARY_SUMS},
                )
            )
    return created


def _day_sums(first: dt.date, last: dt.date) -> dict[tuple[int | None, dt.date], dict]:
    """(space or None, day) -> the day's summed counts (topics, replies…) of first..last."""
    days = MemberDay.objects.filter(is_team=False, day__gte=first, day__lte=last).order_by()
    annotations = {key: Sum(key) for key in SUMMARY_SUMS}
    sums = {
        (row["space_id"], row["day"]): row
        for row in days.values("space_id", "day").annotate(**annotations)
    }
    for row in days.values("day").annotate(**annotations):
        sums[(None, row["day"])] = row
    return sums


def _day_summaries_in_one_pass(first: dt.date, last: dt.date) -> list[DaySummary]:
    """Any number of days (a rebuild): one pass over the member-days in member order; each
    member's active days become intervals that count them in every window ending within N
    days after (a difference array per window), so a year of days costs one read of the
    member-days rather than a distinct count per day."""
    if last < first:
        return 0
    longest = max(SUMMARY_WINDOWS)
    origin = first - dt.timedelta(days=longest - 1)
    size = (last - origin).days + 2
    # scope (None: all spaces) -> window -> difference array over origin..last+1
    diffs: dict[int | None, dict[int, list[int]]] = {}
    sums: dict[tuple[int | None, dt.date], list[int]] = {}

    def diff_of(scope):
        if scope not in diffs:
            diffs[scope] = {n: [0] * size for n in (1, *SUMMARY_WINDOWS)}
        return diffs[scope]

    def count_member(days_by_scope: dict[int | None, set[dt.date]]) -> None:
        for scope, days in days_by_scope.items():
            arrays = diff_of(scope)
            ordered = sorted((day - origin).days for day in days)
            for n, array in arrays.items():
                _add_presence(array, ordered, n)

    rows = (
        MemberDay.objects.filter(is_team=False, day__gte=origin, day__lte=last)
        .order_by("member_id")
        .values_list("member_id", "space_id", "day", *SUMMARY_SUMS)
    )
    current, days_by_scope = None, defaultdict(set)
    for member_id, space_id, day, *counts in rows.iterator(chunk_size=5000):
        if member_id != current:
            count_member(days_by_scope)
            current, days_by_scope = member_id, defaultdict(set)
        days_by_scope[None].add(day)
        if space_id is not None:
            days_by_scope[space_id].add(day)
        if day >= first:
            for scope in {None, space_id} if space_id is not None else {None}:
                total = sums.setdefault((scope, day), [0] * len(SUMMARY_SUMS))
                for index, value in enumerate(counts):
                    total[index] += value
    count_member(days_by_scope)
    created = []
    for scope, arrays in diffs.items():
        running = {n: 0 for n in arrays}
        for offset in range(size - 1):
            for n, array in arrays.items():
                running[n] += array[offset]
            day = origin + dt.timedelta(days=offset)
            if day < first:
                continue
            day_sums = sums.get((scope, day), [0] * len(SUMMARY_SUMS))
            created.append(
                DaySummary(
                    day=day,
                    space_id=scope,
                    active=running[1],
                    **{f"active_{n}": running[n] for n in SUMMARY_WINDOWS},
                    **dict(zip(SUMMARY_SUMS, day_sums, strict=True)),
                )
            )
    return created


def _add_presence(array: list[int], offsets: list[int], n: int, sign: int = 1) -> None:
    """Count one member (or customer) present on these sorted day offsets in every window of
    n days that contains one of them: a difference array, +sign where each run starts."""
    size = len(array)
    for i, start in enumerate(offsets):
        end = start + n - 1
        if i + 1 < len(offsets):
            end = min(end, offsets[i + 1] - 1)
        array[start] += sign
        array[min(end + 1, size - 1)] -= sign


def _add_repeat(array: list[int], counts: list[tuple[int, int]], n: int, sign: int = 1) -> None:
    """Count one customer in every window of n days in which they placed two orders or more,
    from sorted (day offset, orders) pairs: a day with two orders starts a run, and so does
    the next order day within n days of the one before; the runs merged, then counted."""
    runs = []
    for i, (offset, orders) in enumerate(counts):
        if orders >= 2:
            runs.append((offset, offset + n - 1))
        if i + 1 < len(counts) and counts[i + 1][0] - offset < n:
            runs.append((counts[i + 1][0], offset + n - 1))
    runs.sort()
    merged: list[list[int]] = []
    for start, end in runs:
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    size = len(array)
    for start, end in merged:
        array[start] += sign
        array[min(end + 1, size - 1)] -= sign


# --- Commerce day summaries: the commerce figures of the standard periods ----------------------

COMMERCE_SUMS = ("orders", "revenue", "member_orders", "member_revenue")
COMMERCE_COUNTS = ("customers", "member_customers", "repeat")


@transaction.atomic
def recompute_commerce_summaries(first: dt.date, last: dt.date) -> int:
    """Rewrite the CommerceDaySummary rows of the days first..last (each currency and all
    currencies) from the customer-days of those days and the 364 before them, as
    recompute_day_summaries does for the community. Returns the rows written."""
    if last < first:
        return 0
    if (last - first).days < SQL_SUMMARY_DAYS:
        created = _commerce_summaries_by_sql(first, last)
    else:
        created = _commerce_summaries_in_one_pass(first, last)
    created = _with_new_customers(created, first, last)
    CommerceDaySummary.objects.filter(day__gte=first, day__lte=last).delete()
    CommerceDaySummary.objects.bulk_create(created, batch_size=2000)
    return len(created)


def _with_new_customers(
    created: list[CommerceDaySummary], first: dt.date, last: dt.date
) -> list[CommerceDaySummary]:
    """Set each currency row's new customers and new member customers of its day (two grouped
    counts over the customer-days' existing-customer facts); a day and currency with some but
    no row yet (a member joining in a currency quiet for a year) gets one."""
    counts: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(dict)
    for field, rows in (
        (
            "new_customers",
            CustomerDay.objects.filter(first_in_currency=True, day__gte=first, day__lte=last)
            .values_list("currency", "day")
            .annotate(n=Count("pk")),
        ),
        (
            "new_member_customers",
            CustomerDay.objects.filter(member_counted_on__gte=first, member_counted_on__lte=last)
            .values_list("currency", "member_counted_on")
            .annotate(n=Count("pk")),
        ),
    ):
        for currency, day, n in rows.order_by():
            counts[(currency, day)][field] = n
    by_key = {(row.currency, row.day): row for row in created}
    for key, values in counts.items():
        row = by_key.get(key)
        if row is None:
            row = by_key[key] = CommerceDaySummary(currency=key[0], day=key[1])
            created.append(row)
        for field, n in values.items():
            setattr(row, field, n)
    return created


def _commerce_day_sums(first: dt.date, last: dt.date) -> dict[tuple[str, dt.date], dict]:
    member = Q(member__isnull=False)
    return {
        (row["currency"], row["day"]): {
            "orders": row["o"] or 0,
            "revenue": row["r"] or ZERO,
            "member_orders": row["mo"] or 0,
            "member_revenue": row["mr"] or ZERO,
        }
        for row in CustomerDay.objects.filter(day__gte=first, day__lte=last)
        .values("currency", "day")
        .annotate(
            o=Sum("orders"),
            r=Sum("revenue"),
            mo=Sum("orders", filter=member),
            mr=Sum("revenue", filter=member),
        )
        .order_by()
    }


def _commerce_summaries_by_sql(first: dt.date, last: dt.date) -> list[CommerceDaySummary]:
    """A few days (the periodic update): per customer (and currency), the orders in each
    window ending on each day, in one grouped aggregate over the year before; a customer
    counts in a window with one order or more (two for a repeat customer)."""
    from django.db import connection

    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    origin = first - dt.timedelta(days=max(SUMMARY_WINDOWS) - 1)
    table = CustomerDay._meta.db_table
    keys = [(i, k) for i in range(len(days)) for k in range(len(SUMMARY_WINDOWS))]
    window_sums = ", ".join(
        f"SUM(CASE WHEN day >= %s AND day <= %s THEN orders ELSE 0 END) AS s{i}_{k}"
        for i, k in keys
    )
    sum_params = [
        bound
        for day in days
        for n in SUMMARY_WINDOWS
        for bound in (day - dt.timedelta(days=n - 1), day)
    ]
    present = ", ".join(f"COUNT(CASE WHEN s{i}_{k} >= 1 THEN 1 END)" for i, k in keys)
    repeat = ", ".join(f"COUNT(CASE WHEN s{i}_{k} >= 2 THEN 1 END)" for i, k in keys)
    in_window = "WHERE day >= %s AND day <= %s"
    by_currency_sql = (
        f"SELECT currency, is_member, {present} FROM ("  # noqa: S608 - no input in the SQL
        f"SELECT customer_id, currency, MAX(CASE WHEN member_id IS NULL THEN 0 ELSE 1 END) "
        f"AS is_member, {window_sums} FROM {table} {in_window} GROUP BY customer_id, currency"
        f") AS customers GROUP BY currency, is_member"
    )
    all_sql = (
        f"SELECT {present}, {repeat} FROM ("  # noqa: S608 - no input in the SQL
        f"SELECT customer_id, {window_sums} FROM {table} {in_window} GROUP BY customer_id"
        f") AS customers"
    )
    counts: dict[str, dict[str, list[int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(by_currency_sql, [*sum_params, origin, last])
        for currency, is_member, *values in cursor.fetchall():
            scope = counts.setdefault(
                currency, {"customers": [0] * len(keys), "member_customers": [0] * len(keys)}
            )
            for index, value in enumerate(values):
                scope["customers"][index] += value
                if is_member:
                    scope["member_customers"][index] += value
        cursor.execute(all_sql, [*sum_params, origin, last])
        values = cursor.fetchone()
    if counts:
        counts[ALL_CURRENCIES] = {"customers": values[: len(keys)], "repeat": values[len(keys) :]}
    sums = _commerce_day_sums(first, last)
    created = []
    for currency, scope in counts.items():
        for i, day in enumerate(days):
            fields = {
                f"{name}_{n}": scope[name][i * len(SUMMARY_WINDOWS) + k]
                for name in scope
                for k, n in enumerate(SUMMARY_WINDOWS)
            }
            created.append(
                CommerceDaySummary(
                    day=day, currency=currency, **fields, **sums.get((currency, day), {})
                )
            )
    return created


def _count_customer(
    diffs: dict[str, dict[str, dict[int, list[int]]]],
    size: int,
    day_orders: dict[str, dict[int, int]],
    *,
    is_member: bool,
    sign: int = 1,
) -> None:
    """Add (sign 1) or take away (-1) one customer's windows to the difference arrays of each
    currency and of all currencies: day_orders is currency -> day offset -> orders."""
    every: dict[int, int] = defaultdict(int)
    for orders in day_orders.values():
        for offset, count in orders.items():
            every[offset] += count
    for scope, orders in [*day_orders.items(), (ALL_CURRENCIES, every)]:
        if not orders:
            continue
        arrays = diffs.setdefault(
            scope, {name: {n: [0] * size for n in SUMMARY_WINDOWS} for name in COMMERCE_COUNTS}
        )
        offsets = sorted(orders)
        for n in SUMMARY_WINDOWS:
            _add_presence(arrays["customers"][n], offsets, n, sign)
            if scope == ALL_CURRENCIES:
                _add_repeat(arrays["repeat"][n], [(o, orders[o]) for o in offsets], n, sign)
            elif is_member:
                _add_presence(arrays["member_customers"][n], offsets, n, sign)


def _commerce_summaries_in_one_pass(first: dt.date, last: dt.date) -> list[CommerceDaySummary]:
    """Any number of days (a rebuild): one pass over the customer-days in customer order,
    each customer's order days counted in every window with difference arrays."""
    origin = first - dt.timedelta(days=max(SUMMARY_WINDOWS) - 1)
    size = (last - origin).days + 2
    diffs: dict[str, dict[str, dict[int, list[int]]]] = {}
    rows = (
        CustomerDay.objects.filter(day__gte=origin, day__lte=last)
        .order_by("customer_id")
        .values_list("customer_id", "member_id", "day", "currency", "orders")
    )
    current, is_member, day_orders = None, False, defaultdict(dict)
    for customer_id, member_id, day, currency, orders in rows.iterator(chunk_size=5000):
        if customer_id != current:
            _count_customer(diffs, size, day_orders, is_member=is_member)
            current, is_member, day_orders = customer_id, False, defaultdict(dict)
        is_member = is_member or member_id is not None
        offset = (day - origin).days
        day_orders[currency][offset] = day_orders[currency].get(offset, 0) + orders
    _count_customer(diffs, size, day_orders, is_member=is_member)
    return _commerce_rows(diffs, origin, first, size, _commerce_day_sums(first, last))


def _commerce_rows(diffs, origin: dt.date, first: dt.date, size: int, sums: dict) -> list:
    created = []
    for scope, arrays in diffs.items():
        running = {(name, n): 0 for name in arrays for n in arrays[name]}
        for offset in range(size - 1):
            for name, n in running:
                running[(name, n)] += arrays[name][n][offset]
            day = origin + dt.timedelta(days=offset)
            if day < first:
                continue
            created.append(
                CommerceDaySummary(
                    day=day,
                    currency=scope,
                    **{f"{name}_{n}": value for (name, n), value in running.items()},
                    **sums.get((scope, day), {}),
                )
            )
    return created


def _update_commerce_summaries(
    days: set[dt.date], *, everything: bool = False, today: dt.date | None = None
) -> int:
    """As _update_day_summaries, for the commerce summaries and the customer-days."""
    last_summary = CommerceDaySummary.objects.aggregate(last=Max("day"))["last"]
    end = summary_end(today)
    if everything or last_summary is None:
        first = CustomerDay.objects.aggregate(first=Min("day"))["first"] or end
    else:
        first = min([*days, last_summary + dt.timedelta(days=1), end])
    return recompute_commerce_summaries(first, end)


# --- Erasure: one member out of the summaries ----------------------------------------------


@transaction.atomic
def forget_member_in_summaries(member_id: int) -> None:
    """Take a member about to be erased out of the day summaries, the commerce summaries and
    the segments, without a rebuild: their own member-days and customer-days, counted into
    difference arrays with sign -1 as the one-pass summaries count everyone, are subtracted
    from the summary rows they touched (the days from their first to the last summarised).
    Called by the privacy eraser before their rows are deleted."""
    _forget_member_days(member_id)
    _forget_customer_days(member_id)
    for segment in SegmentMember.objects.filter(member_id=member_id).values_list(
        "segment", flat=True
    ):
        SegmentState.objects.filter(segment=segment, size__gt=0).update(size=F("size") - 1)
    SegmentMember.objects.filter(member_id=member_id).delete()


def members_in_another_zone() -> set[int]:
    """Members whose time zone changed since their rows were computed (their fact records
    the zone it was computed in): one comparison of the facts with the members' zones."""
    return set(
        MemberFact.objects.exclude(timezone=F("member__timezone")).values_list(
            "member_id", flat=True
        )
    )


@transaction.atomic
def move_members_to_their_zones(member_ids: Iterable[int]) -> None:
    """Recompute the rows of members whose time zone changed in their new zone, without a
    rebuild: their member-days and customer-days, counted with sign -1 as the erasure counts
    them, are taken out of the day and commerce summaries; their member-days, months, fact
    and customer-days are recomputed whole (recompute_members, recompute_customers: bounded
    by their own history); the new rows are added back with sign +1 (a summary row a moved
    member is the first to count on is created)."""
    member_ids = sorted(member_ids)
    if not member_ids:
        return
    customer_ids = set(
        Customer.objects.filter(member_id__in=member_ids).values_list("pk", flat=True)
    ) | set(
        CustomerDay.objects.filter(member_id__in=member_ids).values_list("customer_id", flat=True)
    )
    customer_days = CustomerDay.objects.filter(customer_id__in=customer_ids)
    old_days, old_orders = _member_day_rows(member_ids), _customer_day_rows(customer_days)
    recompute_members(member_ids)
    if customer_ids:
        recompute_customers(customer_ids)
    new_days, new_orders = _member_day_rows(member_ids), _customer_day_rows(customer_days)
    for rows_before, rows_after, model, count, apply in (
        (old_days, new_days, DaySummary, _count_member_days, _apply_day_deltas),
        (old_orders, new_orders, CommerceDaySummary, _count_customer_days, _apply_commerce_deltas),
    ):
        last = model.objects.aggregate(last=Max("day"))["last"]
        if last is None or not (rows_before or rows_after):
            continue
        origin = min(row[2] for row in (*rows_before, *rows_after))
        deltas: dict = defaultdict(lambda: defaultdict(int))
        count(rows_before, origin, last, deltas, sign=-1)
        count(rows_after, origin, last, deltas, sign=1)
        apply(deltas, origin, last, create=True)


def _forget_member_days(member_id: int) -> None:
    rows = _member_day_rows([member_id])
    last = DaySummary.objects.aggregate(last=Max("day"))["last"]
    if rows and last is not None:
        deltas: dict = defaultdict(lambda: defaultdict(int))
        origin = min(row[2] for row in rows)
        _count_member_days(rows, origin, last, deltas, sign=-1)
        _apply_day_deltas(deltas, origin, last)


def _forget_customer_days(member_id: int) -> None:
    rows = _customer_day_rows(CustomerDay.objects.filter(member_id=member_id))
    last = CommerceDaySummary.objects.aggregate(last=Max("day"))["last"]
    if rows and last is not None:
        deltas: dict = defaultdict(lambda: defaultdict(int))
        origin = min(row[2] for row in rows)
        _count_customer_days(rows, origin, last, deltas, sign=-1)
        _apply_commerce_deltas(deltas, origin, last)


def _member_day_rows(member_ids: list[int]) -> list[tuple]:
    """The member-days the day summaries count (the brand team left out)."""
    return list(
        MemberDay.objects.filter(member_id__in=member_ids, is_team=False).values_list(
            "member_id", "space_id", "day", *SUMMARY_SUMS
        )
    )


def _customer_day_rows(customer_days) -> list[tuple]:
    return list(
        customer_days.values_list(
            "customer_id",
            "member_id",
            "day",
            "currency",
            "orders",
            "revenue",
            "first_in_currency",
            "member_counted_on",
        )
    )


def _count_member_days(rows, origin: dt.date, last: dt.date, deltas: dict, *, sign: int) -> None:
    """Add (sign 1) or take away (-1) these member-days, counted as the one-pass summaries
    count everyone, to deltas: (space or None, day) -> field -> change, days origin..last."""
    size = (last - origin).days + 2
    days_of: dict[tuple[int, int | None], set[dt.date]] = defaultdict(set)
    for member_id, space_id, day, *counts in rows:
        if day > last:
            continue
        for scope in {None, space_id}:
            days_of[(member_id, scope)].add(day)
            for key, value in zip(SUMMARY_SUMS, counts, strict=True):
                deltas[(scope, day)][key] += sign * value
    arrays: dict[tuple[int | None, int], list[int]] = {}
    for (_member_id, scope), days in days_of.items():
        offsets = sorted((day - origin).days for day in days)
        for n in (1, *SUMMARY_WINDOWS):
            _add_presence(arrays.setdefault((scope, n), [0] * size), offsets, n, sign)
    for (scope, n), array in arrays.items():
        _running_deltas(array, origin, deltas, scope, "active" if n == 1 else f"active_{n}")


def _count_customer_days(rows, origin: dt.date, last: dt.date, deltas: dict, *, sign: int) -> None:
    """As _count_member_days, for customer-days: (currency or all, day) -> field -> change,
    the new customers and new member customers of the customers' first rows included."""
    size = (last - origin).days + 2
    by_customer: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    is_member: dict[int, bool] = defaultdict(bool)
    for customer_id, member_id, day, currency, orders, revenue, first, counted_on in rows:
        if day > last:
            continue
        by_customer[customer_id][currency][(day - origin).days] = orders
        is_member[customer_id] |= member_id is not None
        for key, value in (("orders", orders), ("revenue", revenue)):
            deltas[(currency, day)][key] += sign * value
            if member_id is not None:
                deltas[(currency, day)][f"member_{key}"] += sign * value
        if first:
            deltas[(currency, day)]["new_customers"] += sign
        if counted_on is not None:
            deltas[(currency, counted_on)]["new_member_customers"] += sign
    diffs: dict[str, dict[str, dict[int, list[int]]]] = {}
    for customer_id, day_orders in by_customer.items():
        _count_customer(diffs, size, day_orders, is_member=is_member[customer_id], sign=sign)
    for scope, arrays in diffs.items():
        for name, windows in arrays.items():
            for n, array in windows.items():
                _running_deltas(array, origin, deltas, scope, f"{name}_{n}")


def _apply_day_deltas(deltas: dict, origin: dt.date, last: dt.date, *, create=False) -> None:
    scopes = list({scope for scope, _day in deltas if scope is not None})
    summaries = DaySummary.objects.filter(day__gte=origin, day__lte=last).filter(
        Q(space__isnull=True) | Q(space_id__in=scopes)
    )

    def new(key):
        return (
            DaySummary(space_id=key[0], day=key[1]) if create and origin <= key[1] <= last else None
        )

    _apply_deltas(DaySummary, summaries, lambda row: (row.space_id, row.day), deltas, new=new)


def _apply_commerce_deltas(deltas: dict, origin: dt.date, last: dt.date, *, create=False) -> None:
    currencies = {currency for currency, _day in deltas}
    summaries = CommerceDaySummary.objects.filter(
        day__gte=origin, day__lte=last, currency__in=currencies
    )

    def new(key):
        if create and origin <= key[1] <= last:
            return CommerceDaySummary(currency=key[0], day=key[1])
        return None

    _apply_deltas(
        CommerceDaySummary, summaries, lambda row: (row.currency, row.day), deltas, new=new
    )


def _running_deltas(array: list[int], origin: dt.date, deltas: dict, scope, field: str) -> None:
    running = 0
    for offset, step in enumerate(array[:-1]):
        running += step
        if running:
            deltas[(scope, origin + dt.timedelta(days=offset))][field] += running


def _apply_deltas(model, rows, key, deltas: dict, *, new=None) -> None:
    """Add the deltas to the summary rows; a key with no row yet (a day on which only a moved
    member counts) gets the one new(key) makes, if it makes one."""
    changed, fields, seen = [], set(), set()
    rows = list(rows)
    for row in rows:
        seen.add(key(row))
        for field, delta in deltas.get(key(row), {}).items():
            if delta:
                setattr(row, field, getattr(row, field) + delta)
                fields.add(field)
                changed.append(row)
    model.objects.bulk_update(list({id(r): r for r in changed}.values()), sorted(fields) or ["day"])
    created = []
    for scope_day, values in deltas.items():
        row = None
        if new is not None and scope_day not in seen and any(values.values()):
            row = new(scope_day)
        if row is None:
            continue
        for field, delta in values.items():
            setattr(row, field, getattr(row, field) + delta)
        created.append(row)
    model.objects.bulk_create(created, batch_size=1000)


def summary_end(today: dt.date | None = None) -> dt.date:
    """The last day summaries are kept for: tomorrow (UTC), the local day furthest east."""
    return (today or timezone.now().date()) + dt.timedelta(days=1)


def _source(*, referred: bool, first_order_at, joined_at) -> str:
    """Where a member came from: a referral first (someone brought them, whatever they had
    bought before), then the store (they had bought before signing up), else organic."""
    if referred:
        return MemberSource.REFERRAL
    if first_order_at is not None and first_order_at < joined_at:
        return MemberSource.STORE_CUSTOMER
    return MemberSource.ORGANIC


# --- Customers: counting orders per day ---------------------------------------------------------


@transaction.atomic
def recompute_customers(customer_ids: Iterable[int]) -> set[dt.date]:
    """Rewrite the CustomerDay rows of these store customers from their counting orders.
    Returns the days whose rows changed (the commerce summaries to rewrite from)."""
    customer_ids = list(customer_ids)
    customers = dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "member_id"))
    member_rows = {
        row["pk"]: row
        for row in get_user_model()
        .objects.filter(pk__in=[m for m in customers.values() if m])
        .values("pk", "timezone", "date_joined")
    }
    zones = {pk: member_zone(row["timezone"]) for pk, row in member_rows.items()}
    rows: dict[tuple[int, dt.date, str], list] = defaultdict(lambda: [0, ZERO])
    orders = (
        Order.objects.counting()
        .filter(customer_id__in=customer_ids)
        .values_list(
            "customer_id", "placed_at", "created_at", "currency", "total", "refunded_total"
        )
    )
    for customer_id, placed_at, created_at, currency, total, refunded in orders:
        member_id = customers[customer_id]
        zone = zones.get(member_id, dt.UTC)
        key = (customer_id, local_day(placed_at or created_at, zone), currency)
        rows[key][0] += 1
        rows[key][1] += total - refunded
    before = set(
        CustomerDay.objects.filter(customer_id__in=customer_ids).values_list(
            "customer_id", "member_id", "day", "currency", "orders", "revenue"
        )
    )
    CustomerDay.objects.filter(customer_id__in=customer_ids).delete()
    # The existing-customer facts: each customer's first day, any currency and per currency.
    since: dict[int, dt.date] = {}
    firsts: dict[tuple[int, str], dt.date] = {}
    for customer_id, day, currency in rows:
        since[customer_id] = min(day, since.get(customer_id, day))
        firsts[(customer_id, currency)] = min(day, firsts.get((customer_id, currency), day))
    created = []
    for (customer_id, day, currency), (count, revenue) in rows.items():
        member_id = customers[customer_id]
        member = member_rows.get(member_id)
        joined_on = local_day(member["date_joined"], zones[member_id]) if member else None
        first = firsts[(customer_id, currency)] == day
        created.append(
            CustomerDay(
                customer_id=customer_id,
                member_id=member_id if member else None,
                day=day,
                currency=currency,
                orders=count,
                revenue=revenue,
                days_since_joined=(day - joined_on).days if joined_on else None,
                customer_since=since[customer_id],
                member_customer_since=max(since[customer_id], joined_on) if joined_on else None,
                first_in_currency=first,
                member_counted_on=max(day, joined_on) if joined_on and first else None,
            )
        )
    CustomerDay.objects.bulk_create(created, batch_size=1000)
    after = {(r.customer_id, r.member_id, r.day, r.currency, r.orders, r.revenue) for r in created}
    return {row[2] for row in before ^ after}


# --- Questions: peer support --------------------------------------------------------------------


@transaction.atomic
def recompute_questions(topic_ids: Iterable[int]) -> None:
    """Rewrite the QuestionFact rows of these topics (non-questions and deleted ones: none)."""
    topic_ids = list(topic_ids)
    QuestionFact.objects.filter(topic_id__in=topic_ids).delete()
    topics = list(
        Topic.objects.filter(
            pk__in=topic_ids, kind=TopicKind.QUESTION, deleted_at__isnull=True
        ).values(
            "pk",
            "space_id",
            "author_id",
            "created_at",
            "author__timezone",
            "accepted_answer_id",
            "accepted_answer__author__role",
        )
    )
    if not topics:
        return
    first_replies: dict[int, tuple[dt.datetime, str | None]] = {}
    replies = (
        Post.objects.filter(
            topic_id__in=[t["pk"] for t in topics], number__gt=1, deleted_at__isnull=True
        )
        .order_by("topic_id", "created_at", "number")
        .values_list("topic_id", "author_id", "created_at", "author__role")
    )
    askers = {t["pk"]: t["author_id"] for t in topics}
    for topic_id, author_id, created_at, role in replies:
        # Asking again in your own topic is not an answer.
        if topic_id not in first_replies and author_id != askers[topic_id]:
            first_replies[topic_id] = (created_at, role)
    facts = []
    for topic in topics:
        first = first_replies.get(topic["pk"])
        solved = topic["accepted_answer_id"] is not None
        answered = solved or first is not None
        if solved:
            answerer_role = topic["accepted_answer__author__role"]
        else:
            answerer_role = first[1] if first else None
        facts.append(
            QuestionFact(
                topic_id=topic["pk"],
                space_id=topic["space_id"],
                asked_at=topic["created_at"],
                asked_on=local_day(topic["created_at"], member_zone(topic["author__timezone"])),
                first_reply_at=first[0] if first else None,
                answered_by_team=(answerer_role in BRAND_TEAM_ROLES) if answered else None,
                solved=solved,
            )
        )
    QuestionFact.objects.bulk_create(facts)


def _topic_ids_of(activities: Iterable[tuple[str, int | None, dict]]) -> set[int]:
    topic_ids = set()
    for verb, target_id, payload in activities:
        if verb == Verb.TOPIC_CREATED and target_id:
            topic_ids.add(target_id)
        elif (payload or {}).get("topic_id"):
            topic_ids.add(int(payload["topic_id"]))
    return topic_ids


# --- The voice of the member ----------------------------------------------------------------

VOICE_CHUNK = 1000
VOICE_POSTS_PER_UPDATE = 20_000


def score_new_posts(
    *, after_id: int, limit: int | None = None, progress: Progress = _no_progress
) -> int:
    """Read the posts above `after_id` as the voice of the member (PostVoice rows: sentiment
    through the moderation classifier, theme phrases, requests). Returns the last post id
    seen. Idempotent: a post already read is skipped. With `limit`, stops after about that
    many posts (the periodic update catches up over several runs after an upgrade)."""
    from flywheel.analytics import voice
    from flywheel.moderation.classifiers import get_classifier

    classifier = get_classifier()
    posts = Post.objects.filter(pk__gt=after_id, deleted_at__isnull=True)
    total = posts.count()
    last_id, done = after_id, 0
    progress("voice", 0, total)
    while True:
        batch = list(
            Post.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values(
                "pk",
                "topic_id",
                "topic__space_id",
                "body",
                "created_at",
                "deleted_at",
                "author__language",
            )[:VOICE_CHUNK]
        )
        if not batch or (limit is not None and done >= limit):
            return last_id
        last_id = batch[-1]["pk"]
        seen = set(
            PostVoice.objects.filter(post_id__in=[row["pk"] for row in batch]).values_list(
                "post_id", flat=True
            )
        )
        rows = []
        for row in batch:
            if row["deleted_at"] is not None or row["pk"] in seen:
                continue
            text = voice.plain_text(row["body"])
            language = voice.language_of(text, row["author__language"] or "en")
            day = row["created_at"].astimezone(dt.UTC).date()
            rows.append(
                PostVoice(
                    post_id=row["pk"],
                    topic_id=row["topic_id"],
                    space_id=row["topic__space_id"],
                    posted_on=day,
                    week=day - dt.timedelta(days=day.weekday()),
                    language=language,
                    sentiment=round(classifier.score(text, language).sentiment, 3),
                    phrases=voice.phrases_of(text, language),
                    is_request=voice.is_request(text),
                )
            )
        PostVoice.objects.bulk_create(rows, ignore_conflicts=True)
        done += len(batch)
        progress("voice", min(done, total), total)


# --- Periodic update and full rebuild ----------------------------------------------------------


def update_rollups(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute the rollups of everything that changed since the last run (every 5 minutes).

    Members with new activity, customers whose orders (or link to a member) changed, and the
    question topics new activity touched. Returns how many of each were recomputed."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor, _created = RollupCursor.objects.select_for_update().get_or_create(name=CURSOR_NAME)
        start_id = max(cursor.last_activity_id - ACTIVITY_ID_LOOKBACK, 0)
        # One read of the lookback and everything above it: the rows counted here and the
        # gaps left for the next run come from the same snapshot.
        read = list(
            Activity.objects.filter(pk__gt=start_id)
            .order_by()
            .values_list("pk", "actor_id", "verb", "target_id", "payload", "created_at")
        )
        last_id = max([row[0] for row in read], default=cursor.last_activity_id)
        new = _not_yet_counted(read, cursor)
        member_ids = {row[1] for row in new if row[1]}
        topic_ids = _topic_ids_of(
            (verb, target_id, payload)
            for _pk, _actor, verb, target_id, payload, _at in new
            if verb in QUESTION_VERBS
        )
        # The local days each member's new activity fell on: only those days are rewritten.
        zones = {
            pk: member_zone(name)
            for pk, name in get_user_model()
            .objects.filter(pk__in=member_ids)
            .values_list("pk", "timezone")
        }
        touched: dict[int, set[dt.date]] = defaultdict(set)
        for _pk, actor, verb, _target, _payload, at in new:
            if actor in zones and verb in ACTIVE_VERBS:
                touched[actor].add(local_day(at, zones[actor]))
        since = cursor.orders_changed_since
        if since is None:
            customer_ids = set(Customer.objects.values_list("pk", flat=True))
        else:
            since -= ORDER_CHANGE_LOOKBACK
            customer_ids = set(
                Order.objects.filter(updated_at__gte=since, customer__isnull=False).values_list(
                    "customer_id", flat=True
                )
            ) | set(Customer.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
        # A customer's orders decide their member's first order and source.
        member_ids |= set(
            Customer.objects.filter(pk__in=customer_ids, member__isnull=False).values_list(
                "member_id", flat=True
            )
        )
        # Members with no activity yet still need their sign-up fact.
        member_ids |= set(
            get_user_model()
            .objects.filter(analytics_fact__isnull=True)
            .values_list("pk", flat=True)
        )
        stages = _StageClock()
        # Members who changed time zone: recomputed whole in the new zone first, and their
        # summaries corrected, before anything else reads or rewrites their rows.
        moved = members_in_another_zone()
        for chunk in _chunks(moved):
            move_members_to_their_zones(chunk)
        stages.lap("time zones")
        commerce_days: set[dt.date] = set()
        for chunk in _chunks(customer_ids):
            commerce_days |= recompute_customers(chunk)
        stages.lap("customers")
        # Roles first: the rewritten days and facts below then agree with the older rows.
        team_changed = _refresh_team_flags()
        days: set[dt.date] = set()
        for chunk in _chunks(touched):
            days |= recompute_member_days({pk: touched[pk] for pk in chunk})
        stages.lap("member days")
        for chunk in _chunks(member_ids):
            recompute_member_facts(chunk)
        stages.lap("member facts")
        for chunk in _chunks(topic_ids):
            recompute_questions(chunk)
        stages.lap("questions")
        _update_day_summaries(days, everything=team_changed, today=now.date())
        stages.lap("day summaries")
        _update_commerce_summaries(commerce_days, today=now.date())
        stages.lap("commerce summaries")
        refresh_segments(today=timezone.localdate(now))
        stages.lap("segments")
        from flywheel.analytics.links import refresh_shop_domains

        refresh_shop_domains()
        cursor.last_post_id = score_new_posts(
            after_id=cursor.last_post_id, limit=VOICE_POSTS_PER_UPDATE
        )
        stages.lap("voice")
        logger.info("update_rollups stages (s): %s", stages)
        cursor.last_activity_id = last_id
        cursor.activity_gaps = _activity_gaps(last_id, {row[0] for row in read})
        cursor.orders_changed_since = now
        cursor.save(
            update_fields=[
                "last_activity_id",
                "activity_gaps",
                "orders_changed_since",
                "last_post_id",
                "updated_at",
            ]
        )
    return {
        "members": len(member_ids),
        "customers": len(customer_ids),
        "questions": len(topic_ids),
        "moved": len(moved),
    }


def _not_yet_counted(rows: list[tuple], cursor: RollupCursor) -> list[tuple]:
    """The rows above the cursor, and those of the lookback that were gaps at the last run
    (committed since); every row of the lookback when the gaps are not known."""
    if cursor.activity_gaps is None:
        return rows
    gaps = set(cursor.activity_gaps)
    return [row for row in rows if row[0] > cursor.last_activity_id or row[0] in gaps]


def _activity_gaps(last_id: int, present: set[int]) -> list[int]:
    """The ids of the lookback below `last_id` with no row among `present` (read at once)."""
    return [
        pk for pk in range(max(last_id - ACTIVITY_ID_LOOKBACK, 0) + 1, last_id) if pk not in present
    ]


def activity_cursor_now() -> dict:
    """The activity cursor a run that has just counted every committed row would leave: the
    last id and the gaps below it (one read of the lookback). For `RollupCursor` fields."""
    tail = list(
        Activity.objects.order_by("-pk").values_list("pk", flat=True)[:ACTIVITY_ID_LOOKBACK]
    )
    last_id = max(tail, default=0)
    return {"last_activity_id": last_id, "activity_gaps": _activity_gaps(last_id, set(tail))}


class _StageClock:
    """Seconds per stage of a run, for the log (docs/benchmarks.md reads them)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.mark = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.mark, 2)
        self.mark = now

    def __str__(self) -> str:
        return ", ".join(f"{stage} {seconds}" for stage, seconds in self.seconds.items())


def _refresh_team_flags() -> bool:
    """Roles change without activity: the member facts whose `is_team` no longer matches the
    role are found (two queries over the few team members), then their member-days and
    months follow."""
    team_roles = list(BRAND_TEAM_ROLES)
    joined = set(
        MemberFact.objects.filter(member__role__in=team_roles, is_team=False).values_list(
            "member_id", flat=True
        )
    )
    left = set(
        MemberFact.objects.filter(is_team=True)
        .exclude(member__role__in=team_roles)
        .values_list("member_id", flat=True)
    )
    for member_ids, flag in ((joined, True), (left, False)):
        if member_ids:
            for model in (MemberFact, MemberDay, MemberMonth):
                model.objects.filter(member_id__in=member_ids).update(is_team=flag)
    return bool(joined or left)


def _update_day_summaries(
    days: set[dt.date], *, everything: bool = False, today: dt.date | None = None
) -> int:
    """Rewrite the day summaries from the earliest day touched (or the day after the last
    summary, whichever is earlier) to tomorrow; all of them with `everything` or when there
    are none yet."""
    last_summary = DaySummary.objects.aggregate(last=Max("day"))["last"]
    end = summary_end(today)
    if everything or last_summary is None:
        first = MemberDay.objects.aggregate(first=Min("day"))["first"] or end
    else:
        first = min([*days, last_summary + dt.timedelta(days=1)])
        first = min(first, end)
    return recompute_day_summaries(first, end)


# The members a segment has now, while refresh_segments compares them with the stored ones.
SEGMENT_NOW_TABLE = "analytics_segment_now"


@transaction.atomic
def refresh_segments(*, today: dt.date) -> dict[str, int]:
    """Evaluate every saved segment for `today`: each member segment's members are evaluated
    once into a temporary table, then only the difference is written to SegmentMember
    (leavers deleted, joiners inserted), so a day's rewrite costs the day's changes, not the
    segment's size. Each segment's size goes in its SegmentState. Run by the periodic update
    and the rebuild. Returns the sizes."""
    from django.db import connection

    from flywheel.analytics import queries

    table, now = SegmentMember._meta.db_table, SEGMENT_NOW_TABLE
    sizes = {}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {now} (member_id bigint PRIMARY KEY)")
        for name in queries.MEMBER_SEGMENTS:
            members = MemberFact.objects.filter(
                member_id__in=queries.evaluate_segment(name, today)
            ).values("member_id")
            select, params = members.query.sql_with_params()
            # No input in the SQL below: table names are constants, values are parameters.
            cursor.execute(f"DELETE FROM {now}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {now} (member_id) SELECT member_id FROM ({select}) AS s",  # noqa: S608
                params,
            )
            cursor.execute(
                f"DELETE FROM {table} WHERE segment = %s AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {now} n WHERE n.member_id = {table}.member_id)",
                [name],
            )
            cursor.execute(
                f"INSERT INTO {table} (segment, member_id) SELECT %s, n.member_id "  # noqa: S608
                f"FROM {now} n WHERE NOT EXISTS (SELECT 1 FROM {table} m "
                f"WHERE m.segment = %s AND m.member_id = n.member_id)",
                [name, name],
            )
            cursor.execute(f"SELECT COUNT(*) FROM {now}")  # noqa: S608
            sizes[name] = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {now}")
    sizes["new_buyers"] = queries.new_buyers_not_members(today).count()
    for name, size in sizes.items():
        SegmentState.objects.update_or_create(segment=name, defaults={"as_of": today, "size": size})
    return sizes


def rebuild_rollups(
    *, since: dt.date | None = None, progress: Progress = _no_progress
) -> dict[str, int]:
    """Recompute the rollups from the source tables, in chunks, reporting progress.

    Without `since`, every member, customer and question is recomputed. With it, only those
    with activity or orders on or after that day (their whole history, so totals stay right)."""
    user_model = get_user_model()
    started = timezone.now()
    last_activity_id = Activity.objects.aggregate(last=Max("pk"))["last"] or 0
    if since is None:
        member_ids = list(user_model.objects.values_list("pk", flat=True))
        customer_ids = list(Customer.objects.values_list("pk", flat=True))
        topic_ids = list(Topic.objects.filter(kind=TopicKind.QUESTION).values_list("pk", flat=True))
        # Rows of deleted members, customers and topics go with a full rebuild.
        MemberDay.objects.exclude(member_id__in=user_model.objects.values("pk")).delete()
        CustomerDay.objects.exclude(customer_id__in=Customer.objects.values("pk")).delete()
    else:
        moment = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1)
        member_ids = list(
            set(
                Activity.objects.filter(created_at__gte=moment, actor__isnull=False)
                .values_list("actor_id", flat=True)
                .distinct()
            )
            | set(user_model.objects.filter(date_joined__gte=moment).values_list("pk", flat=True))
        )
        customer_ids = list(
            Order.objects.filter(placed_at__gte=moment, customer__isnull=False)
            .values_list("customer_id", flat=True)
            .distinct()
        )
        topic_ids = list(
            Topic.objects.filter(kind=TopicKind.QUESTION, last_posted_at__gte=moment).values_list(
                "pk", flat=True
            )
        )
    for stage, ids, recompute in (
        ("customers", customer_ids, recompute_customers),
        ("members", member_ids, recompute_members),
        ("questions", topic_ids, recompute_questions),
    ):
        done = 0
        progress(stage, 0, len(ids))
        for chunk in _chunks(ids):
            recompute(chunk)
            done += len(chunk)
            progress(stage, done, len(ids))
    progress("summaries", 0, 1)
    if since is None:
        _update_day_summaries(set(), everything=True)
        _update_commerce_summaries(set(), everything=True)
    else:
        _update_day_summaries({since - dt.timedelta(days=1)})
        _update_commerce_summaries({since - dt.timedelta(days=1)})
    refresh_segments(today=timezone.localdate())
    progress("summaries", 1, 1)
    if since is None:
        PostVoice.objects.all().delete()
        RollupCursor.objects.update_or_create(
            name=CURSOR_NAME,
            defaults={
                "last_activity_id": last_activity_id,
                "activity_gaps": None,  # rows committed during the rebuild: read them again
                "orders_changed_since": started,
                "last_post_id": score_new_posts(after_id=0, progress=progress),
            },
        )
    return {"members": len(member_ids), "customers": len(customer_ids), "questions": len(topic_ids)}


# --- Costs -------------------------------------------------------------------------------------


@transaction.atomic
def record_monthly_cost(
    *, month: str, category: str, amount: str, currency: str, note: str = "", by
) -> CommunityCost:
    """Owners and admins enter what the community cost in a month (one figure per category
    and currency; entering it again replaces it)."""
    if not getattr(by, "is_community_admin", False):
        raise InvalidInput(_("Only owners and admins enter costs."), field="amount")
    try:
        first = dt.date.fromisoformat(f"{(month or '').strip()}-01")
    except ValueError:
        raise InvalidInput(_("Enter the month as YYYY-MM."), field="month") from None
    if category not in CostCategory.values:
        raise InvalidInput(_("Choose a cost category."), field="category")
    try:
        value = Decimal((amount or "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Enter an amount such as 120.50."), field="amount") from None
    if value < 0 or value >= Decimal("10000000000"):
        raise InvalidInput(_("Enter an amount such as 120.50."), field="amount")
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(_("Enter a three-letter currency code such as EUR."), field="currency")
    cost, _created = CommunityCost.objects.update_or_create(
        month=first,
        category=category,
        currency=currency,
        defaults={"amount": value, "note": (note or "")[:200], "entered_by": by},
    )
    return cost


# --- The weekly staff e-mail --------------------------------------------------------------


def weekly_report_recipients():
    """Owners, admins and moderators with an e-mail address, active."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=BRAND_TEAM_ROLES)
        .exclude(email="")
        .order_by("pk")
    )


def send_weekly_staff_report(*, today: dt.date | None = None, dry_run: bool = False) -> dict:
    """E-mail last week's headline figures to each staff member, at most once per week.

    A claim row (recipient, week) is written before sending and deleted if sending fails, so
    the beat firing twice or a run by hand after it sends nothing twice, and a failed send is
    tried again next run. A dry run claims and sends nothing; it returns who would get what.
    """
    from flywheel.analytics.emails import render_weekly_report, report_week, weekly_numbers

    week = report_week(today or timezone.localdate())
    already = set(
        StaffReportSent.objects.filter(week_start=week.start).values_list("recipient_id", flat=True)
    )
    recipients = [r for r in weekly_report_recipients() if r.pk not in already]
    result = {"week_start": week.start, "sent": 0, "failed": 0, "already_sent": len(already)}
    if not recipients:
        result["messages"] = []
        return result
    numbers = weekly_numbers(week)
    messages = []
    for recipient in recipients:
        message = render_weekly_report(recipient=recipient, numbers=numbers)
        messages.append((recipient.email, message.subject))
        if dry_run:
            continue
        with transaction.atomic():
            _claim, created = StaffReportSent.objects.get_or_create(
                recipient=recipient, week_start=week.start
            )
        if not created:
            continue  # another run got there between our read and now
        try:
            message.send()
        except Exception:
            logger.exception("weekly staff report to user %s failed", recipient.pk)
            StaffReportSent.objects.filter(recipient=recipient, week_start=week.start).delete()
            result["failed"] += 1
            continue
        result["sent"] += 1
    result["messages"] = messages
    return result


# --- Product link clicks --------------------------------------------------------------------


def record_product_link_click(
    *, url: str, member=None, rate_key: str = "", at: dt.datetime | None = None
) -> bool:
    """Record that `member` (None: a guest) followed a product link to `url`.

    Never stands in the visitor's way: past the rate limit (per member, or per `rate_key`
    for guests) the click is simply not recorded. Returns whether it was."""
    from flywheel.core.exceptions import RateLimited
    from flywheel.core.ratelimit import check_rate_limit

    signed_in = getattr(member, "is_authenticated", False)
    key = f"product-link:{member.pk}" if signed_in else f"product-link-guest:{rate_key}"
    try:
        check_rate_limit(key=key, rate=settings.FLYWHEEL_PRODUCT_LINK_CLICK_RATE)
    except RateLimited:
        return False
    ProductLinkClick.objects.create(
        member=member if signed_in else None, url=url[:2000], clicked_at=at or timezone.now()
    )
    return True


# --- Segments pushed to the outbound webhook -----------------------------------------------

# The core.OutboundMessage kind whose sender is send_segment_push (never change: stored).
SEGMENT_PUSH_KIND = "analytics.segment_push"
# The one webhook's pushes wait together when it answers 429.
SEGMENT_THROTTLE_KEY = "segment-webhook"


def segment_webhook_configured() -> bool:
    return bool(settings.FLYWHEEL_SEGMENT_WEBHOOK_URL and settings.FLYWHEEL_SEGMENT_WEBHOOK_SECRET)


def push_segment(*, name: str, by, today: dt.date | None = None) -> SegmentPush:
    """Owners and admins send a segment's members to the outbound webhook. The payload is
    fixed now (who is in the segment today); delivery is a core.OutboundMessage, sent after
    commit and retried, dead-lettered and replayed by core.outbound."""
    from flywheel.analytics import queries
    from flywheel.core.exceptions import Conflict
    from flywheel.core.outbound import enqueue_outbound
    from flywheel.core.ratelimit import check_rate_limit

    if not getattr(by, "is_community_admin", False):
        raise InvalidInput(_("Only owners and admins push segments."), field="segment")
    if name not in queries.SEGMENTS:
        raise InvalidInput(_("segment: choose one of the listed segments."), field="segment")
    if not segment_webhook_configured():
        raise Conflict(_("No segment webhook is configured (FLYWHEEL_SEGMENT_WEBHOOK_URL)."))
    check_rate_limit(key=f"segment-push:{by.pk}", rate="10/h")
    today = today or timezone.localdate()
    table = queries.segment_export(name, today, audience="klaviyo")
    people = [
        {"email": row[0], "first_name": row[1], "last_name": row[2], "accepts_marketing": row[4]}
        for row in table.rows
    ]
    with transaction.atomic():
        push = SegmentPush.objects.create(
            segment=name,
            requested_by=by,
            payload={
                "segment": name,
                "label": str(queries.SEGMENTS[name]),
                "as_of": today.isoformat(),
                "count": len(people),
                "members": people,
            },
        )
        # The message names the push; the members stay on the push (erasure edits one place).
        push.message, _created = enqueue_outbound(
            kind=SEGMENT_PUSH_KIND,
            payload={"push_id": push.pk},
            dedupe_key=f"segment-push-{push.pk}",
            throttle_key=SEGMENT_THROTTLE_KEY,
        )
        push.save(update_fields=["message"])
    return push


def send_segment_push(message) -> None:
    """The outbound sender of a segment push (hooks.outbound_senders, SEGMENT_PUSH_KIND):
    the push's payload, signed, to the configured webhook. 2xx: delivered; 429: later, as
    the receiver says (Retry-After); a push or webhook that no longer exists: rejected;
    anything else raises and is retried with the core's backoff."""
    from flywheel.analytics import outbound
    from flywheel.core.outbound import Rejected

    push = SegmentPush.objects.filter(pk=message.payload.get("push_id")).first()
    if push is None:
        raise Rejected("The segment push was deleted.")
    if not segment_webhook_configured():
        raise Rejected("No segment webhook is configured (FLYWHEEL_SEGMENT_WEBHOOK_URL).")
    outbound.send_signed(
        url=settings.FLYWHEEL_SEGMENT_WEBHOOK_URL,
        secret=settings.FLYWHEEL_SEGMENT_WEBHOOK_SECRET,
        payload=push.payload,
        delivery_id=f"segment-push-{push.pk}",
        timeout=settings.FLYWHEEL_SEGMENT_WEBHOOK_TIMEOUT,
    )


def resend_segment_push(*, push: SegmentPush, by) -> SegmentPush:
    """Staff send a dead letter again: its message is replayed with a fresh set of attempts."""
    from flywheel.core.models import DeliveryState, OutboundMessage
    from flywheel.core.outbound import replay_outbound

    if not getattr(by, "is_community_admin", False):
        raise InvalidInput(_("Only owners and admins push segments."), field="segment")
    replay_outbound(OutboundMessage.objects.filter(pk=push.message_id, state=DeliveryState.DEAD))
    push.refresh_from_db()
    if push.message_id:
        push.message.refresh_from_db()
    return push
