"""Reads for the staff console: every metric of docs/metrics.md, from the rollup tables.

Each function issues a fixed number of aggregate queries whatever the size of the community
(the console's query counts are pinned in tests). Member figures leave out the brand team
(owners, admins, moderators): they are the hosts, not the community. Money is a dict of
currency → Decimal, never summed across currencies.
"""

import csv
import datetime as dt
import io
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Sum,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from flywheel.accounts.models import Role
from flywheel.analytics.models import (
    ALL_CURRENCIES,
    SUMMARY_WINDOWS,
    ZERO,
    CommerceDaySummary,
    CommunityCost,
    CustomerDay,
    DaySummary,
    MemberDay,
    MemberFact,
    MemberMonth,
    MemberSource,
    PostVoice,
    ProductLinkClick,
    QuestionFact,
    SegmentMember,
    SegmentState,
    TopicReadDay,
)
from flywheel.commerce.models import Customer, Order, SpaceGate, Store
from flywheel.community.models import Post, Reaction, Space
from flywheel.core.markup import excerpt
from flywheel.referrals import queries as referrals_queries
from flywheel.rewards.models import Perk

MEMBER_ROLES = [Role.MEMBER, Role.AMBASSADOR]
# "Recently inactive": previously active members silent for 7 to 28 days.
AT_RISK_SILENT_DAYS = (7, 28)
CHAMPION_WINDOW_DAYS = 30
CHAMPION_MIN_ACTIVE_DAYS = 4
CHAMPION_MIN_INTERACTIONS = 10
LURKER_WINDOW_DAYS = 90
NEW_BUYER_WINDOW_DAYS = 30
BEFORE_AFTER_DAYS = 90
COHORT_MONTHS = 12


@dataclass(frozen=True)
class Period:
    """Local calendar days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def trailing(self, days: int) -> "Period":
        return Period(self.end - dt.timedelta(days=days - 1), self.end)


@dataclass
class Table:
    """A table on a console page; every one can be downloaded as CSV (`?table=<name>`)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_cell(value) for value in row])
        return out.getvalue()


def _csv_cell(value):
    # Spreadsheets run cells starting with = + - @ as formulas: names and notes are text here.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@dataclass
class Figure:
    """A headline figure with the previous period's value for the change."""

    label: str
    value: float | int | Decimal | None
    previous: float | int | Decimal | None = None
    kind: str = "number"  # number, percent, ratio, hours

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous in (None, 0):
            return None
        return round((float(self.value) - float(self.previous)) / float(self.previous) * 100, 1)


def ratio(numerator, denominator, places: int = 2) -> float | None:
    if not denominator:
        return None
    return round(float(numerator) / float(denominator), places)


def money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Activity -----------------------------------------------------------------------------


def _member_days(period: Period, space: Space | None = None, members=None):
    """Member-days of the period; `members` (a subquery of member ids, e.g. a segment's)
    narrows them to those members."""
    rows = MemberDay.objects.filter(day__gte=period.start, day__lte=period.end, is_team=False)
    if space is not None:
        rows = rows.filter(space=space)
    if members is not None:
        rows = rows.filter(member_id__in=members)
    return rows


def active_members(period: Period, space: Space | None = None, members=None) -> int:
    return _member_days(period, space, members).values("member_id").distinct().count()


def member_day_pairs(period: Period, space: Space | None = None, members=None) -> int:
    """Σ DAU over the period: the number of distinct (member, day) pairs."""
    return _member_days(period, space, members).values("member_id", "day").distinct().count()


def _facts(members=None):
    facts = MemberFact.objects.filter(is_team=False)
    return facts if members is None else facts.filter(member_id__in=members)


def members_by(day: dt.date, members=None) -> int:
    return _facts(members).filter(joined_on__lte=day).count()


def _summaries(span: Period, space: Space | None = None) -> dict[dt.date, SimpleNamespace] | None:
    """The DaySummary rows of the span's days (all spaces or one), or None when the rollups
    have not summarised its last day yet (the caller then counts member-days)."""
    rows = DaySummary.objects.filter(day__gte=span.start, day__lte=span.end)
    rows = rows.filter(space__isnull=True) if space is None else rows.filter(space=space)
    # Plain rows, not model instances: a year of days is hundreds of rows (init signals).
    by_day = {row["day"]: SimpleNamespace(**row) for row in rows.values()}
    return by_day if span.end in by_day else None


def _summarised(period: Period, members=None) -> bool:
    """Whether the period's figures can be read from the day summaries: a standard period
    (7, 30, 90 or 365 days) over all members (a segment's members are counted)."""
    return members is None and period.days in SUMMARY_WINDOWS


def _summary_activity(period: Period, space: Space | None) -> dict | None:
    """activity_summary's figures read from the day summaries (one query), or None."""
    month = period.trailing(30)
    span = Period(min(period.start, month.start), period.end)
    rows = _summaries(span, space)
    if rows is None:
        return None
    in_period = [row for day, row in rows.items() if day >= period.start]
    sums = {
        key: sum(getattr(row, key) for row in in_period)
        for key in ("topics", "questions", "replies", "reactions", "other")
    }
    last = rows[period.end]
    daily = {day: row.active for day, row in rows.items()}
    return {
        "sums": sums,
        "active": getattr(last, f"active_{period.days}"),
        "wau": last.active_7,
        "mau": last.active_30,
        "daily": daily,
    }


def activity_summary(
    period: Period, space: Space | None = None, members=None, *, facts: dict | None = None
) -> dict:
    """The activity figures of a period. For a standard period over all members, one read of
    the day summaries (DaySummary: the period's and the 30 days to its end); otherwise three
    queries: one aggregate over the member-days of the period and the 30 days to its end
    (sums, active, WAU and MAU as filtered distinct counts), one per-day count of distinct
    members (the DAU series, whose sums are the member-day pairs). Then the member count."""
    month = period.trailing(30)
    summary = _summary_activity(period, space) if _summarised(period, members) else None
    if summary is not None:
        sums, daily = summary["sums"], summary["daily"]
        active, mau, wau = summary["active"], summary["mau"], summary["wau"]
    else:
        sums, active, mau, wau, daily = _member_day_activity(period, space, members)
    series = [(day, daily.get(day, 0)) for day in _days(period)]
    interactions = sums["topics"] + sums["replies"] + sums["reactions"] + sums["other"]
    period_pairs = sum(count for _day, count in series)
    month_pairs = sum(daily.get(day, 0) for day in _days(month))
    member_count = facts["members"] if facts else members_by(period.end, members)
    return {
        **sums,
        "interactions": interactions,
        "active": active,
        "dau": ratio(period_pairs, period.days),
        "wau": wau,
        "mau": mau,
        # Average DAU over the 30 days to the period's end ÷ MAU = pairs / (30 × MAU).
        "stickiness": ratio(month_pairs, 30 * mau, 3),
        "active_share": ratio(active, member_count, 3),
        "members": member_count,
        "interactions_per_active": ratio(interactions, active),
        "reactions_per_post": ratio(sums["reactions"], sums["topics"] + sums["replies"]),
        "replies_per_topic": ratio(sums["replies"], sums["topics"]),
        "series": series,
    }


def _member_day_activity(period: Period, space: Space | None = None, members=None):
    """activity_summary's counts from the member-days (any period, segments)."""
    month = period.trailing(30)
    week = period.trailing(7)
    span = Period(min(period.start, month.start), period.end)
    in_period = Q(day__gte=period.start)
    sums = _member_days(span, space, members).aggregate(
        topics=Sum("topics", filter=in_period),
        questions=Sum("questions", filter=in_period),
        replies=Sum("replies", filter=in_period),
        reactions=Sum("reactions", filter=in_period),
        other=Sum("other", filter=in_period),
        active=Count("member_id", distinct=True, filter=in_period),
        mau=Count("member_id", distinct=True, filter=Q(day__gte=month.start)),
        wau=Count("member_id", distinct=True, filter=Q(day__gte=week.start)),
    )
    sums = {key: value or 0 for key, value in sums.items()}
    active, mau, wau = sums.pop("active"), sums.pop("mau"), sums.pop("wau")
    daily = dict(
        _member_days(span, space, members)
        .values("day")
        .annotate(active=Count("member_id", distinct=True))
        .values_list("day", "active")
    )
    return sums, active, mau, wau, daily


def daily_active_series(
    period: Period, space: Space | None = None, members=None
) -> list[tuple[dt.date, int]]:
    counts = dict(
        _member_days(period, space, members)
        .values("day")
        .annotate(active=Count("member_id", distinct=True))
        .values_list("day", "active")
    )
    return [(day, counts.get(day, 0)) for day in _days(period)]


def _days(period: Period) -> list[dt.date]:
    return [period.start + dt.timedelta(days=n) for n in range(period.days)]


def _summary_contributions(period: Period) -> list[dict] | None:
    """contributions_by_space's rows from the day summaries of each space, or None."""
    rows = list(
        DaySummary.objects.filter(day__gte=period.start, day__lte=period.end, space__isnull=False)
        .values("space_id")
        .annotate(
            active=Max(f"active_{period.days}", filter=Q(day=period.end)),
            summarised=Count("pk", filter=Q(day=period.end)),
            topics=Sum("topics"),
            questions=Sum("questions"),
            replies=Sum("replies"),
            reactions=Sum("reactions"),
        )
        .order_by()
    )
    if not rows or any(not row["summarised"] for row in rows):
        return None
    return [row for row in rows if row["active"]]


def contributions_by_space(period: Period, members=None) -> Table:
    summarised = _summary_contributions(period) if _summarised(period, members) else None
    rows = (
        summarised
        if summarised is not None
        else (
            _member_days(period, members=members)
            .filter(space__isnull=False)
            .values("space_id")
            .annotate(
                active=Count("member_id", distinct=True),
                topics=Sum("topics"),
                questions=Sum("questions"),
                replies=Sum("replies"),
                reactions=Sum("reactions"),
            )
            .order_by()
        )
    )
    # Names apart: grouping by the space id alone keeps the scan index-only.
    names = dict(Space.objects.values_list("pk", "name"))
    rows = sorted(
        ({**r, "space__name": names.get(r["space_id"], "")} for r in rows),
        key=lambda r: (-r["active"], r["space__name"]),
    )
    return Table(
        "contributions",
        _("Contributions by space"),
        [
            _("Space"),
            _("Active members"),
            _("Topics"),
            _("Questions"),
            _("Replies"),
            _("Reactions"),
        ],
        [
            [
                r["space__name"],
                r["active"],
                r["topics"],
                r["questions"],
                r["replies"],
                r["reactions"],
            ]
            for r in rows
        ],
    )


# --- Reads per topic ------------------------------------------------------------------------

MOST_READ_ROWS = 20


def _topic_reads(period: Period, space: Space | None = None):
    rows = TopicReadDay.objects.filter(
        day__gte=period.start, day__lte=period.end, topic__deleted_at__isnull=True
    )
    return rows if space is None else rows.filter(topic__space=space)


def reads_summary(period: Period, space: Space | None = None) -> dict:
    """Topic page views in the period (UTC days, guests included) and reads per topic read."""
    totals = _topic_reads(period, space).aggregate(
        reads=Sum("reads"), topics=Count("topic_id", distinct=True)
    )
    reads = totals["reads"] or 0
    return {"reads": reads, "topics": totals["topics"], "per_topic": ratio(reads, totals["topics"])}


def most_read_topics(period: Period, space: Space | None = None) -> Table:
    """The most read topics of the period, with their space; two queries."""
    top = list(
        _topic_reads(period, space)
        .values("topic_id")
        .annotate(total=Sum("reads"))
        .order_by("-total", "topic_id")[:MOST_READ_ROWS]
    )
    from flywheel.community.models import Topic

    topics = Topic.objects.select_related("space").in_bulk([row["topic_id"] for row in top])
    return Table(
        "most_read",
        _("Most read topics"),
        [_("Topic"), _("Space"), _("Reads")],
        [
            [topics[row["topic_id"]].title, topics[row["topic_id"]].space.name, row["total"]]
            for row in top
            if row["topic_id"] in topics
        ],
    )


# --- Growth ---------------------------------------------------------------------------------


def new_members(period: Period, members=None) -> int:
    return _facts(members).filter(joined_on__gte=period.start, joined_on__lte=period.end).count()


def member_fact_figures(period: Period, members=None) -> tuple[dict, dict]:
    """Every member-fact count the dashboard shows, for the period and the one before, in one
    aggregate over the member facts (one scan instead of a count per figure): members by the
    end, new members by source, members who became customers and member customers by the
    end. Returns (this period's, the previous period's); growth_summary, activity_summary
    and commerce_summary take them as `facts`."""
    counts = {}
    for key, scope in (("now", period), ("before", period.previous)):
        joined = Q(joined_on__gte=scope.start, joined_on__lte=scope.end)
        counts[f"{key}_members"] = Count("pk", filter=Q(joined_on__lte=scope.end))
        for source in MemberSource.values:
            counts[f"{key}_source_{source}"] = Count("pk", filter=joined & Q(source=source))
        counts[f"{key}_became"] = Count(
            "pk", filter=Q(first_order_on__gte=scope.start, first_order_on__lte=scope.end)
        )
        counts[f"{key}_member_customers"] = Count(
            "pk", filter=Q(joined_on__lte=scope.end, first_order_on__lte=scope.end)
        )
    earlier = period.previous.start - dt.timedelta(days=1)
    counts["earlier_members"] = Count("pk", filter=Q(joined_on__lte=earlier))
    totals = _facts(members).aggregate(**counts)
    figures = []
    for key in ("now", "before"):
        sources = {s: totals[f"{key}_source_{s}"] for s in MemberSource.values}
        figures.append(
            {
                "members": totals[f"{key}_members"],
                "new": sum(sources.values()),
                "sources": sources,
                "became": totals[f"{key}_became"],
                "member_customers": totals[f"{key}_member_customers"],
            }
        )
    now, before = figures
    # Members at the start of a period are members by the end of the one before it.
    now["members_before"] = before["members"]
    before["members_before"] = totals["earlier_members"]
    return now, before


def growth_summary(period: Period, members=None, *, facts: dict | None = None) -> dict:
    """`facts`: the period's member_fact_figures, when the page has them."""
    if facts is not None:
        new, before, sources = facts["new"], facts["members_before"], facts["sources"]
    else:
        new = new_members(period, members)
        before = members_by(period.start - dt.timedelta(days=1), members)
        sources = dict(
            _facts(members)
            .filter(joined_on__gte=period.start, joined_on__lte=period.end)
            .values("source")
            .annotate(n=Count("pk"))
            .values_list("source", "n")
        )
    referred = sources.get(MemberSource.REFERRAL, 0)
    return {
        "new": new,
        "members_before": before,
        "growth_rate": ratio(new, before, 3),
        "sources": {source: sources.get(source, 0) for source in MemberSource.values},
        # Share of the period's new members who signed up through a referral.
        "referral_rate": ratio(referred, new, 3),
        # Viral coefficient: new members brought by referrals per member at the start.
        "k_factor": ratio(referred, before, 3),
    }


def sources_table(period: Period, members=None, summary: dict | None = None) -> Table:
    """`summary`: the page's growth_summary of the period, when it already has it."""
    summary = summary or growth_summary(period, members)
    return Table(
        "sources",
        _("Where new members came from"),
        [_("Source"), _("New members"), _("Share")],
        [
            [label, summary["sources"][value], ratio(summary["sources"][value], summary["new"], 3)]
            for value, label in MemberSource.choices
        ],
    )


def new_members_series(period: Period, members=None) -> list[tuple[dt.date, int]]:
    counts = dict(
        _facts(members)
        .filter(joined_on__gte=period.start, joined_on__lte=period.end)
        .values("joined_on")
        .annotate(n=Count("pk"))
        .values_list("joined_on", "n")
    )
    return [(day, counts.get(day, 0)) for day in _days(period)]


# --- Peer support ---------------------------------------------------------------------------


def _questions(period: Period, space: Space | None = None):
    rows = QuestionFact.objects.filter(asked_on__gte=period.start, asked_on__lte=period.end)
    if space is not None:
        rows = rows.filter(space=space)
    return rows


def _median_hours(pairs) -> float | None:
    hours = [(first - asked).total_seconds() / 3600 for asked, first in pairs if first]
    return round(statistics.median(hours), 1) if hours else None


class MedianWaitHours(Aggregate):
    """The median hours from a question to its first reply, computed by PostgreSQL (an
    ordered-set aggregate, questions without a reply ignored as NULLs): reading every
    question's two times into Python cost seconds at scale (docs/benchmarks.md)."""

    template = (
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY "
        "(EXTRACT(EPOCH FROM %(expressions)s) / 3600.0)::double precision)"
    )
    output_field = FloatField()

    def __init__(self, **extra):
        wait = ExpressionWrapper(F("first_reply_at") - F("asked_at"), output_field=DurationField())
        super().__init__(wait, **extra)


def _in_database(questions) -> bool:
    return connections[questions.db].vendor == "postgresql"


def _median_wait(questions) -> float | None:
    """One query: in the database on PostgreSQL, else over the times in Python (SQLite)."""
    if _in_database(questions):
        value = questions.aggregate(median=MedianWaitHours())["median"]
        return None if value is None else round(value, 1)
    return _median_hours(questions.values_list("asked_at", "first_reply_at"))


def _median_waits_by_space(questions) -> dict[int, float | None]:
    """One query, as _median_wait, per space."""
    if _in_database(questions):
        return {
            space_id: None if value is None else round(value, 1)
            for space_id, value in questions.values("space_id")
            .annotate(median=MedianWaitHours())
            .values_list("space_id", "median")
            .order_by()
        }
    waits: dict[int, list] = {}
    for space_id, asked_at, first in questions.values_list(
        "space_id", "asked_at", "first_reply_at"
    ):
        waits.setdefault(space_id, []).append((asked_at, first))
    return {space_id: _median_hours(pairs) for space_id, pairs in waits.items()}


def peer_support_summary(period: Period, space: Space | None = None) -> dict:
    questions = _questions(period, space)
    counts = questions.aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=Q(answered_by_team__isnull=False)),
        by_members=Count("pk", filter=Q(answered_by_team=False)),
        solved=Count("pk", filter=Q(solved=True)),
    )
    return {
        **counts,
        "member_answer_share": ratio(counts["by_members"], counts["answered"], 3),
        "solved_rate": ratio(counts["solved"], counts["asked"], 3),
        "median_hours_to_first_reply": _median_wait(questions),
    }


def peer_support_by_space(period: Period) -> Table:
    questions = _questions(period)
    rows = list(
        questions.values("space_id", "space__name")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(answered_by_team__isnull=False)),
            by_members=Count("pk", filter=Q(answered_by_team=False)),
            solved=Count("pk", filter=Q(solved=True)),
        )
        .order_by("-asked", "space__name")
    )
    waits = _median_waits_by_space(questions)
    return Table(
        "peer_support",
        _("Peer support by space"),
        [
            _("Space"),
            _("Questions"),
            _("Answered"),
            _("Answered by members"),
            _("Share answered by members"),
            _("Solved rate"),
            _("Median hours to first reply"),
        ],
        [
            [
                r["space__name"],
                r["asked"],
                r["answered"],
                r["by_members"],
                ratio(r["by_members"], r["answered"], 3),
                ratio(r["solved"], r["asked"], 3),
                waits.get(r["space_id"]),
            ]
            for r in rows
        ],
    )


# --- Retention ------------------------------------------------------------------------------


def _month_offset(cohort: dt.date, month: dt.date) -> int:
    return (month.year - cohort.year) * 12 + month.month - cohort.month


def _first_of_month(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def cohort_table(today: dt.date, months: int = COHORT_MONTHS) -> Table:
    """Monthly sign-up cohorts × months since joining: the share active in each month."""
    first = _first_of_month(today, months - 1)
    sizes = dict(
        MemberFact.objects.filter(is_team=False, cohort_month__gte=first)
        .values("cohort_month")
        .annotate(n=Count("pk"))
        .values_list("cohort_month", "n")
    )
    active = (
        MemberMonth.objects.filter(cohort_month__gte=first, is_team=False)
        .values("cohort_month", "month")
        .annotate(n=Count("pk"))
        .values_list("cohort_month", "month", "n")
    )
    grid: dict[dt.date, dict[int, int]] = {}
    for cohort, month, n in active:
        grid.setdefault(cohort, {})[_month_offset(cohort, month)] = n
    rows = []
    for back in range(months - 1, -1, -1):
        cohort = _first_of_month(today, back)
        size = sizes.get(cohort, 0)
        reachable = _month_offset(cohort, _first_of_month(today)) + 1
        rows.append(
            [cohort.strftime("%Y-%m"), size]
            + [
                ratio(grid.get(cohort, {}).get(offset, 0), size, 3) if offset < reachable else None
                for offset in range(months)
            ]
        )
    return Table(
        "cohorts",
        _("Monthly sign-up cohorts: share active N months after joining"),
        [_("Cohort"), _("Members")] + [str(offset) for offset in range(months)],
        rows,
    )


def at_risk_members(today: dt.date):
    low, high = AT_RISK_SILENT_DAYS
    return MemberFact.objects.filter(
        is_team=False,
        last_active_on__lte=today - dt.timedelta(days=low),
        last_active_on__gte=today - dt.timedelta(days=high),
    )


def churned_members(today: dt.date):
    return MemberFact.objects.filter(
        is_team=False, last_active_on__lt=today - dt.timedelta(days=AT_RISK_SILENT_DAYS[1])
    )


# --- Segments -------------------------------------------------------------------------------

SEGMENTS = {
    "champions": _("Champions"),
    "at_risk": _("At risk"),
    "lurking_customers": _("Lurking customers"),
    "ambassador_candidates": _("Seed-user and ambassador candidates"),
    "new_buyers": _("New buyers not yet members"),
}
MEMBER_SEGMENTS = ("champions", "at_risk", "lurking_customers", "ambassador_candidates")
# Segments defined by purchases: owners and admins only (moderators see no sales data).
COMMERCE_SEGMENTS = ("ambassador_candidates", "new_buyers")
CANDIDATE_WINDOW_DAYS = 30
CANDIDATE_MIN_ACTIVE_DAYS = 4
CANDIDATE_ORDER_WINDOW_DAYS = 180
CANDIDATE_MIN_ORDERS = 2


def segment_member_ids(name: str, today: dt.date):
    """A subquery of member ids in a member segment (all but new buyers, who are not members):
    the SegmentMember rows the periodic update wrote when they are today's (one query to
    know), else the segment evaluated now (evaluate_segment)."""
    if SegmentState.objects.filter(segment=name, as_of=today).exists():
        return SegmentMember.objects.filter(segment=name).values("member_id")
    return evaluate_segment(name, today)


def evaluate_segment(name: str, today: dt.date):
    """A subquery of the member ids in a member segment, evaluated over the rollups."""
    if name == "champions":
        window = Period(today - dt.timedelta(days=CHAMPION_WINDOW_DAYS - 1), today)
        return (
            _member_days(window)
            .values("member_id")
            .annotate(
                days=Count("day", distinct=True),
                interactions=Sum("topics") + Sum("replies") + Sum("reactions") + Sum("other"),
            )
            .filter(days__gte=CHAMPION_MIN_ACTIVE_DAYS, interactions__gte=CHAMPION_MIN_INTERACTIONS)
            .values("member_id")
        )
    if name == "at_risk":
        return at_risk_members(today).values("member_id")
    if name == "ambassador_candidates":
        # Active members who buy often, not yet ambassadors: seed users for a launch and
        # the people to invite into the ambassador programme.
        buyers = (
            CustomerDay.objects.filter(
                member__isnull=False,
                day__gt=today - dt.timedelta(days=CANDIDATE_ORDER_WINDOW_DAYS),
                day__lte=today,
            )
            .values("member_id")
            .annotate(n=Sum("orders"))
            .filter(n__gte=CANDIDATE_MIN_ORDERS)
            .values("member_id")
        )
        window = Period(today - dt.timedelta(days=CANDIDATE_WINDOW_DAYS - 1), today)
        return (
            MemberDay.objects.filter(
                day__gte=window.start,
                day__lte=window.end,
                member__role=Role.MEMBER,
                member_id__in=buyers,
            )
            .values("member_id")
            .annotate(days=Count("day", distinct=True))
            .filter(days__gte=CANDIDATE_MIN_ACTIVE_DAYS)
            .values("member_id")
        )
    if name == "lurking_customers":
        quiet_since = today - dt.timedelta(days=LURKER_WINDOW_DAYS)
        return (
            MemberFact.objects.filter(is_team=False, first_order_on__isnull=False)
            .filter(Q(last_active_on__isnull=True) | Q(last_active_on__lt=quiet_since))
            .values("member_id")
        )
    raise KeyError(name)


def new_buyers_not_members(today: dt.date):
    """Store customers without a member account whose first counting order is recent."""
    since = today - dt.timedelta(days=NEW_BUYER_WINDOW_DAYS - 1)
    # Their rows since then whose customer_since is in the window: a range of the day index,
    # not a grouped aggregate over every customer-day.
    recent = CustomerDay.objects.filter(
        day__gte=since, customer_since__gte=since, member__isnull=True
    ).values("customer_id")
    return Customer.objects.filter(
        pk__in=recent, member__isnull=True, redacted_at__isnull=True
    ).exclude(email="")


def segment_sizes(today: dt.date) -> dict[str, int]:
    """Each saved segment's size: from its SegmentState when that is today's (one query for
    all), else counted now."""
    sizes = dict(SegmentState.objects.filter(as_of=today).values_list("segment", "size"))
    for name in MEMBER_SEGMENTS:
        if name not in sizes:
            sizes[name] = MemberFact.objects.filter(
                member_id__in=evaluate_segment(name, today)
            ).count()
    if "new_buyers" not in sizes:
        sizes["new_buyers"] = new_buyers_not_members(today).count()
    return {name: sizes[name] for name in SEGMENTS}


def _split_name(name: str) -> tuple[str, str]:
    first, _space, last = (name or "").strip().partition(" ")
    return first, last


EXPORT_CHUNK = 2000


def segment_export(name: str, today: dt.date, *, audience: str) -> Table:
    """A segment in the list-import columns of Klaviyo or HubSpot, as a table (all rows in
    memory: the webhook push). The console's download streams segment_export_rows."""
    columns, rows = segment_export_rows(name, today, audience=audience)
    return Table(f"segment_{name}_{audience}", SEGMENTS[name], columns, list(rows))


def segment_export_rows(name: str, today: dt.date, *, audience: str):
    """A segment's columns and an iterator over its rows, in the list-import columns of
    Klaviyo or HubSpot; the rows come from the database in chunks (a server-side cursor on
    PostgreSQL), so a segment of any size is exported in flat memory.

    Klaviyo's list import maps "Email", "First Name" and "Last Name" (other columns become
    custom properties); HubSpot's contact import maps the same labels and "Lifecycle Stage"."""
    if name == "new_buyers":
        people = (
            (email, first, last, ok)
            for email, first, last, ok in new_buyers_not_members(today)
            .order_by("pk")
            .values_list("email", "first_name", "last_name", "accepts_marketing")
            .iterator(chunk_size=EXPORT_CHUNK)
        )
        stage = "customer"
    else:
        members = (
            get_user_model()
            .objects.filter(pk__in=segment_member_ids(name, today), is_active=True)
            .order_by("pk")
            .values_list("email", "display_name", "handle")  # tuples: tens of thousands
        )
        people = (
            (email, *_split_name(display or handle), None)
            for email, display, handle in members.iterator(chunk_size=EXPORT_CHUNK)
        )
        stage = "evangelist" if name == "champions" else "customer"
    if audience == "hubspot":
        columns = ["Email", "First Name", "Last Name", "Lifecycle Stage", "Community Segment"]
        rows = ([email, first, last, stage, name] for email, first, last, _ok in people)
    else:
        columns = ["Email", "First Name", "Last Name", "Community Segment", "Accepts Marketing"]
        rows = (
            [email, first, last, name, "" if ok is None else str(ok).lower()]
            for email, first, last, ok in people
        )
    return columns, rows


def csv_chunks(columns: list[str], rows, lines: int = EXPORT_CHUNK) -> Iterator[str]:
    """A table's CSV in pieces of up to `lines` lines (a streamed download), the cells
    written as Table.csv writes them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if count % lines == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


# --- Commerce -------------------------------------------------------------------------------


def _customer_days(period: Period, members=None):
    rows = CustomerDay.objects.filter(day__gte=period.start, day__lte=period.end)
    return rows if members is None else rows.filter(member_id__in=members)


def _commerce_summaries(period: Period) -> dict[str, dict[dt.date, SimpleNamespace]] | None:
    """The CommerceDaySummary rows of a standard period's days by currency (one query), or
    None when the period is not a standard one or the rollups have not summarised its last
    day (the caller then reads the customer-days)."""
    if period.days not in SUMMARY_WINDOWS:
        return None
    by_currency: dict[str, dict[dt.date, SimpleNamespace]] = {}
    rows = CommerceDaySummary.objects.filter(day__gte=period.start, day__lte=period.end)
    for row in rows.values():  # plain rows, as _summaries
        by_currency.setdefault(row["currency"], {})[row["day"]] = SimpleNamespace(**row)
    if period.end not in by_currency.get(ALL_CURRENCIES, {}):
        return None
    return by_currency


def _summary_commerce(period: Period, summaries: dict) -> tuple[dict, int, int]:
    """commerce_summary's per-currency figures, customers and repeat customers, read from
    the commerce day summaries."""
    n = period.days
    per_currency = {}
    for currency in sorted(summaries):
        if currency == ALL_CURRENCIES:
            continue
        days = summaries[currency].values()
        last = summaries[currency].get(period.end)
        orders = sum(row.orders for row in days)
        if not orders or last is None:
            continue
        net = sum((row.revenue for row in days), ZERO)
        customers = getattr(last, f"customers_{n}")
        per_currency[currency] = {
            "orders": orders,
            "revenue": money(net),
            "customers": customers,
            "aov": money(net / orders),
            "frequency": ratio(orders, customers),
            "member_orders": sum(row.member_orders for row in days),
            "member_revenue": money(sum((row.member_revenue for row in days), ZERO)),
            "member_customers": getattr(last, f"member_customers_{n}"),
        }
    everyone = summaries[ALL_CURRENCIES][period.end]
    return per_currency, getattr(everyone, f"customers_{n}"), getattr(everyone, f"repeat_{n}")


def commerce_summary(period: Period, members=None, *, facts: dict | None = None) -> dict:
    """Orders, revenue, AOV and purchase frequency per currency, members vs non-members.

    For a standard period over all members, one read of the commerce day summaries; otherwise
    three aggregates over the customer-days. Then three counts of member facts (none with
    `facts`, the period's member_fact_figures)."""
    summaries = _commerce_summaries(period) if members is None else None
    if summaries is not None:
        per_currency, customers, repeat = _summary_commerce(period, summaries)
    else:
        per_currency, customers, repeat = _customer_day_commerce(period, members)
    if facts is not None:
        became, member_count = facts["became"], facts["members"]
        member_customers = facts["member_customers"]
    else:
        became = (
            _facts(members)
            .filter(first_order_on__gte=period.start, first_order_on__lte=period.end)
            .count()
        )
        member_count = members_by(period.end, members)
        member_customers = (
            _facts(members)
            .filter(joined_on__lte=period.end, first_order_on__lte=period.end)
            .count()
        )
    return {
        "currencies": per_currency,
        "customers": customers,
        "repeat_customers": repeat,
        "repeat_rate": ratio(repeat, customers, 3),
        "members_became_customers": became,
        "member_customer_share": ratio(member_customers, member_count, 3),
    }


def _customer_day_commerce(period: Period, members=None) -> tuple[dict, int, int]:
    rows = (
        _customer_days(period, members)
        .values("currency")
        .annotate(
            order_count=Sum("orders"),
            net=Sum("revenue"),
            customers=Count("customer_id", distinct=True),
            member_orders=Sum("orders", filter=Q(member__isnull=False)),
            member_revenue=Sum("revenue", filter=Q(member__isnull=False)),
            member_customers=Count("customer_id", distinct=True, filter=Q(member__isnull=False)),
        )
        .order_by("currency")
    )
    per_currency = {}
    for row in rows:
        per_currency[row["currency"]] = {
            "orders": row["order_count"],
            "revenue": money(row["net"]),
            "customers": row["customers"],
            "aov": money(row["net"] / row["order_count"]) if row["order_count"] else None,
            "frequency": ratio(row["order_count"], row["customers"]),
            "member_orders": row["member_orders"] or 0,
            "member_revenue": money(row["member_revenue"]),
            "member_customers": row["member_customers"],
        }
    customers = _customer_days(period, members).values("customer_id").distinct().count()
    repeat = (
        _customer_days(period, members)
        .values("customer_id")
        .annotate(n=Sum("orders"))
        .filter(n__gte=2)
        .count()
    )
    return per_currency, customers, repeat


def commerce_table(period: Period, summary: dict | None = None) -> Table:
    """`summary`: the page's commerce_summary, when it already has it."""
    summary = summary or commerce_summary(period)
    return Table(
        "commerce",
        _("Orders and revenue by currency"),
        [
            _("Currency"),
            _("Orders"),
            _("Net revenue"),
            _("Customers"),
            _("Average order value"),
            _("Orders per customer"),
            _("Member orders"),
            _("Member revenue"),
        ],
        [
            [
                currency,
                c["orders"],
                c["revenue"],
                c["customers"],
                c["aov"],
                c["frequency"],
                c["member_orders"],
                c["member_revenue"],
            ]
            for currency, c in summary["currencies"].items()
        ],
    )


def revenue_series(period: Period) -> dict[str, list[tuple[dt.date, Decimal]]]:
    """Net revenue per day and currency: from the commerce day summaries for a standard
    period, else from the customer-days (one query either way)."""
    summaries = _commerce_summaries(period)
    if summaries is not None:
        rows = [
            (currency, day, row.revenue)
            for currency, days in summaries.items()
            if currency != ALL_CURRENCIES
            for day, row in days.items()
            if row.orders
        ]
    else:
        rows = (
            _customer_days(period)
            .values("currency", "day")
            .annotate(net=Sum("revenue"))
            .values_list("currency", "day", "net")
        )
    by_currency: dict[str, dict[dt.date, Decimal]] = {}
    for currency, day, revenue in rows:
        by_currency.setdefault(currency, {})[day] = money(revenue)
    return {
        currency: [(day, values.get(day, ZERO)) for day in _days(period)]
        for currency, values in sorted(by_currency.items())
    }


def _utc_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=dt.UTC)
    return start, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def referral_summary(period: Period) -> dict:
    """Referral rate, K-factor and referred revenue (docs/metrics.md).

    Rate and K-factor come from the member facts (source: referral); referred revenue is the
    net revenue of counting orders by members who signed up through a referral; the
    programme's clicks and friends' first orders (members or not) come from the referrals app
    over the period's days in UTC. Four queries plus growth_summary's."""
    growth = growth_summary(period)
    revenue = dict(
        _customer_days(period)
        .filter(
            member_id__in=MemberFact.objects.filter(source=MemberSource.REFERRAL).values(
                "member_id"
            )
        )
        .values("currency")
        .annotate(net=Sum("revenue"))
        .values_list("currency", "net")
    )
    start, end = _utc_bounds(period)
    programme = referrals_queries.programme_totals(start=start, end=end)
    return {
        "referred_sign_ups": growth["sources"][MemberSource.REFERRAL],
        "new": growth["new"],
        "referral_rate": growth["referral_rate"],
        "k_factor": growth["k_factor"],
        "referred_member_revenue": {c: money(v) for c, v in sorted(revenue.items())},
        "clicks": programme.clicks,
        "first_orders": programme.first_orders,
        "first_order_revenue": {
            c: money(v) for c, v in sorted(programme.first_order_revenue.items())
        },
    }


def referral_table(summary: dict) -> Table:
    currencies = sorted(
        set(summary["referred_member_revenue"]) | set(summary["first_order_revenue"])
    )
    rows = [
        [_("Link clicks"), summary["clicks"]],
        [_("New members through a referral"), summary["referred_sign_ups"]],
        [_("Referral rate (share of new members)"), summary["referral_rate"]],
        [_("K-factor"), summary["k_factor"]],
        [_("Friends' first orders"), summary["first_orders"]],
    ]
    for currency in currencies:
        rows.append(
            [
                _("Friends' first orders, total (%(currency)s)") % {"currency": currency},
                summary["first_order_revenue"].get(currency, ZERO),
            ]
        )
        rows.append(
            [
                _("Net revenue from referred members (%(currency)s)") % {"currency": currency},
                summary["referred_member_revenue"].get(currency, ZERO),
            ]
        )
    return Table("referrals", _("Referrals"), [_("Figure"), _("Value")], rows)


def attribution_summary(period: Period) -> dict:
    """Community-attributed revenue (docs/metrics.md): counting orders placed in the period
    (UTC days) by a member who followed a product link in the community within the
    attribution window before the order. Three queries."""
    window = dt.timedelta(days=settings.FLYWHEEL_ATTRIBUTION_WINDOW_DAYS)
    start, end = _utc_bounds(period)
    clicks = ProductLinkClick.objects.filter(clicked_at__gte=start, clicked_at__lt=end).aggregate(
        clicks=Count("pk"),
        members=Count("member_id", distinct=True),
    )
    clickers = ProductLinkClick.objects.filter(
        member__isnull=False, clicked_at__gte=start - window, clicked_at__lt=end
    ).values("member_id")
    clicked_before = ProductLinkClick.objects.filter(
        member_id=OuterRef("customer__member_id"),
        clicked_at__lte=OuterRef("placed_at"),
        clicked_at__gte=OuterRef("placed_at") - window,
    )
    rows = (
        Order.objects.counting()
        .filter(placed_at__gte=start, placed_at__lt=end, customer__member_id__in=clickers)
        .filter(Exists(clicked_before))
        .values("currency")
        .annotate(orders=Count("pk"), net=Sum(F("total") - F("refunded_total")))
        .order_by("currency")
    )
    return {
        "window_days": settings.FLYWHEEL_ATTRIBUTION_WINDOW_DAYS,
        "clicks": clicks["clicks"],
        "members_clicking": clicks["members"],
        "currencies": {
            row["currency"]: {"orders": row["orders"], "revenue": money(row["net"])} for row in rows
        },
    }


def attribution_table(summary: dict) -> Table:
    rows = [
        [_("Product link clicks"), summary["clicks"]],
        [_("Members who clicked"), summary["members_clicking"]],
    ]
    for currency, values in summary["currencies"].items():
        rows.append(
            [_("Attributed orders (%(currency)s)") % {"currency": currency}, values["orders"]]
        )
        rows.append(
            [
                _("Community-attributed net revenue (%(currency)s)") % {"currency": currency},
                values["revenue"],
            ]
        )
    return Table(
        "attribution",
        _("Community-attributed revenue: orders within %(days)s days of a product link click")
        % {"days": summary["window_days"]},
        [_("Figure"), _("Value")],
        rows,
    )


def member_value_comparison(period: Period) -> Table:
    """Revenue per existing customer in the period: members vs non-members (correlational).

    Existing customers: a counting order before the period. Members: linked to a member who
    had joined before the period. Two queries: the populations are the sums of the commerce
    summaries' new customers and new member customers over the days before the period (a
    few hundred rows per currency); the revenue is one aggregate over the period's
    customer-days, split by their existing-customer facts (CustomerDay.customer_since and
    member_customer_since). Before the rollups have summarised the day before the period, the
    figures are counted over the customer-days (_member_value_from_customer_days)."""
    start = period.start
    before = Q(day__lt=start)
    populations = (
        CommerceDaySummary.objects.values("currency")
        .annotate(
            everyone=Sum("new_customers", filter=before),
            members=Sum("new_member_customers", filter=before),
            last=Max("day"),
        )
        .order_by()
    )
    populations = {row["currency"]: row for row in populations}
    summarised = populations.get(ALL_CURRENCIES, {}).get("last")
    if summarised is None or summarised < start - dt.timedelta(days=1):
        return _member_value_from_customer_days(period)
    revenue = {
        row["currency"]: row
        for row in _customer_days(period)
        .values("currency")
        .annotate(
            everyone=Sum("revenue", filter=Q(customer_since__lt=start)),
            members=Sum("revenue", filter=Q(member_customer_since__lt=start)),
        )
        .order_by()
    }
    rows = []
    for group, label in (("members", _("Members")), ("non_members", _("Non-members"))):
        for currency in sorted(c for c in populations if c != ALL_CURRENCIES):
            counts, sums = populations[currency], revenue.get(currency, {})
            size = counts["members"] or 0
            total = money(sums.get("members"))
            if group == "non_members":
                size = (counts["everyone"] or 0) - size
                total = money(sums.get("everyone")) - total
            if size:
                rows.append([label, currency, size, total, money(total / size)])
    return _member_value_table(rows)


def _member_value_table(rows: list[list]) -> Table:
    return Table(
        "member_value",
        _("Revenue per existing customer in the period: members vs non-members"),
        [_("Group"), _("Currency"), _("Customers"), _("Net revenue"), _("Per customer")],
        rows,
    )


def _member_value_from_customer_days(period: Period) -> Table:
    """member_value_comparison counted over every customer-day before the period (four
    aggregates): before the commerce summaries reach the period."""
    prior = CustomerDay.objects.filter(day__lt=period.start)
    # A subquery of member facts rather than a join through the user table (benchmarks.md).
    joined_before = Q(
        member_id__in=MemberFact.objects.filter(joined_on__lt=period.start).values("member_id")
    )
    groups = {
        "members": prior.filter(joined_before),
        "non_members": prior.exclude(joined_before),
    }
    rows = []
    for group, label in (("members", _("Members")), ("non_members", _("Non-members"))):
        population = dict(
            groups[group]
            .values("currency")
            .annotate(n=Count("customer_id", distinct=True))
            .values_list("currency", "n")
        )
        revenue = dict(
            _customer_days(period)
            .filter(customer_id__in=groups[group].values("customer_id"))
            .values("currency")
            .annotate(total=Sum("revenue"))
            .values_list("currency", "total")
        )
        for currency in sorted(population):
            size = population[currency]
            total = money(revenue.get(currency))
            rows.append([label, currency, size, total, money(total / size) if size else None])
    return _member_value_table(rows)


def before_after_joining(today: dt.date, days: int = BEFORE_AFTER_DAYS) -> Table:
    """The same customers' revenue in the `days` before and after they joined the community.

    Only members who bought before joining (source: store customer) and who joined at least
    `days` ago, so both windows are complete."""
    cohort = MemberFact.objects.filter(
        is_team=False,
        source=MemberSource.STORE_CUSTOMER,
        joined_on__lte=today - dt.timedelta(days=days),
    ).values("member_id")
    rows = (
        CustomerDay.objects.filter(
            member_id__in=cohort, days_since_joined__gte=-days, days_since_joined__lt=days
        )
        .values("currency")
        .annotate(
            people=Count("member_id", distinct=True),
            before=Sum("revenue", filter=Q(days_since_joined__lt=0)),
            after=Sum("revenue", filter=Q(days_since_joined__gte=0)),
            orders_before=Sum("orders", filter=Q(days_since_joined__lt=0)),
            orders_after=Sum("orders", filter=Q(days_since_joined__gte=0)),
        )
        .order_by("currency")
    )
    size = cohort.count()  # one fact per member: not a join of the facts with themselves
    return Table(
        "before_after",
        _("The same customers before and after joining (%(days)s days each side)") % {"days": days},
        [
            _("Currency"),
            _("Members in the comparison"),
            _("Orders before"),
            _("Orders after"),
            _("Revenue before, per member"),
            _("Revenue after, per member"),
        ],
        [
            [
                r["currency"],
                size,
                r["orders_before"] or 0,
                r["orders_after"] or 0,
                money(money(r["before"]) / size) if size else None,
                money(money(r["after"]) / size) if size else None,
            ]
            for r in rows
        ],
    )


# --- Cost and ROI ---------------------------------------------------------------------------


def _months(period: Period) -> tuple[dt.date, dt.date]:
    return period.start.replace(day=1), period.end.replace(day=1)


def costs_by_currency(period: Period) -> dict[str, Decimal]:
    first, last = _months(period)
    return {
        currency: money(total)
        for currency, total in CommunityCost.objects.filter(month__gte=first, month__lte=last)
        .values("currency")
        .annotate(total=Sum("amount"))
        .values_list("currency", "total")
    }


def incentive_cost(period: Period) -> dict:
    """Points redeemed and the discount codes they bought, at face value."""
    from flywheel.rewards.models import Redemption

    redemptions = Redemption.objects.filter(
        status=Redemption.Status.FULFILLED,
        created_at__date__gte=period.start,
        created_at__date__lte=period.end,
    )
    points = redemptions.aggregate(points=Sum("points"))["points"] or 0
    face = {
        currency: money(total)
        for currency, total in redemptions.filter(perk__discount_kind="fixed_amount")
        .values("perk__discount_currency")
        .annotate(total=Sum("perk__discount_value"))
        .values_list("perk__discount_currency", "total")
    }
    percent_codes = redemptions.filter(perk__discount_kind="percentage").count()
    return {"points": points, "face_value": face, "percentage_codes": percent_codes}


def roi_table(
    period: Period, *, commerce: dict | None = None, incentives: dict | None = None
) -> Table:
    """`commerce` and `incentives`: the page's own summaries, when it already has them."""
    costs = costs_by_currency(period)
    incentives = incentives or incentive_cost(period)
    commerce = commerce or commerce_summary(period)
    became = commerce["members_became_customers"]
    currencies = sorted(set(costs) | set(incentives["face_value"]) | set(commerce["currencies"]))
    rows = []
    for currency in currencies:
        cost = costs.get(currency, ZERO) + incentives["face_value"].get(currency, ZERO)
        revenue = commerce["currencies"].get(currency, {}).get("member_revenue", ZERO)
        rows.append(
            [
                currency,
                costs.get(currency, ZERO),
                incentives["face_value"].get(currency, ZERO),
                cost,
                revenue,
                ratio(revenue - cost, cost, 2) if cost else None,
                money(cost / became) if became and cost else None,
            ]
        )
    return Table(
        "roi",
        _("Cost and return by currency"),
        [
            _("Currency"),
            _("Entered costs"),
            _("Incentives at face value"),
            _("Total cost"),
            _("Member revenue"),
            _("Return on cost"),
            _("Community CAC"),
        ],
        rows,
    )


def costs_table(period: Period) -> Table:
    first, last = _months(period)
    costs = CommunityCost.objects.filter(month__gte=first, month__lte=last).order_by(
        "-month", "category", "currency"
    )
    return Table(
        "costs",
        _("Costs entered"),
        [_("Month"), _("Category"), _("Amount"), _("Currency"), _("Note")],
        [
            [c.month.strftime("%Y-%m"), c.get_category_display(), c.amount, c.currency, c.note]
            for c in costs
        ],
    )


# --- Members --------------------------------------------------------------------------------


def console_members(*, search: str = "", segment: str = "", today: dt.date):
    members = (
        get_user_model()
        .objects.select_related("analytics_fact", "trust", "points_account")
        .order_by("-date_joined", "-pk")
    )
    if search:
        members = members.filter(
            Q(handle__icontains=search)
            | Q(email__icontains=search)
            | Q(display_name__icontains=search)
        )
    if segment == "new_buyers":
        return members.none()
    if segment:
        members = members.filter(pk__in=segment_member_ids(segment, today))
    return members


def member_orders(member):
    return (
        Order.objects.filter(customer__member=member)
        .select_related("store")
        .order_by("-placed_at", "-pk")[:50]
    )


def member_order_totals(member) -> list[tuple[str, int, Decimal]]:
    return [
        (row["currency"], row["order_count"], money(row["net"]))
        for row in CustomerDay.objects.filter(member=member)
        .values("currency")
        .annotate(order_count=Sum("orders"), net=Sum("revenue"))
        .order_by("currency")
    ]


@dataclass(frozen=True)
class FirstStep:
    key: str
    done: bool


def first_steps() -> list[FirstStep]:
    """The setup steps the console walks a new brand through, each done or still to do.

    Three EXISTS queries; the console shows the walk-through only while one step is left."""
    return [
        FirstStep("store", Store.objects.exists()),
        FirstStep("gated_space", SpaceGate.objects.exists()),
        FirstStep("perk", Perk.objects.exists()),
    ]


# --- People: the advocate score -------------------------------------------------------------

ADVOCATE_WEIGHTS = {"interactions": 1, "reach": 3, "orders": 5}


@dataclass(frozen=True)
class AdvocateScore:
    interactions: int
    reach: int
    orders: int

    @property
    def score(self) -> int:
        return (
            ADVOCATE_WEIGHTS["interactions"] * self.interactions
            + ADVOCATE_WEIGHTS["reach"] * self.reach
            + ADVOCATE_WEIGHTS["orders"] * self.orders
        )


def advocate_scores(period: Period, *, member_ids: list[int]) -> dict[int, AdvocateScore]:
    """Activity, reach and purchases of these members in the period (docs/metrics.md).

    Six queries whatever the number of members. Reach counts distinct other people who
    replied in a member's topic, replied to a member's post, reacted to one or signed up
    through the member's referral. Post, reaction and sign-up times are bounded by the
    period's days in UTC."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    interactions = dict(
        MemberDay.objects.filter(
            member_id__in=member_ids, day__gte=period.start, day__lte=period.end
        )
        .values("member_id")
        .annotate(n=Sum("topics") + Sum("replies") + Sum("reactions") + Sum("other"))
        .values_list("member_id", "n")
    )
    replies = Post.objects.filter(
        number__gt=1, deleted_at__isnull=True, created_at__gte=start, created_at__lt=end
    )
    reached: dict[int, set[int]] = {}
    pairs = [
        replies.filter(topic__author_id__in=member_ids).values_list(
            "topic__author_id", "author_id"
        ),
        replies.filter(reply_to__author_id__in=member_ids).values_list(
            "reply_to__author_id", "author_id"
        ),
        Reaction.objects.filter(
            post__author_id__in=member_ids, created_at__gte=start, created_at__lt=end
        ).values_list("post__author_id", "member_id"),
    ]
    for query in pairs:
        for member_id, other_id in query.distinct():
            if other_id is not None and other_id != member_id:
                reached.setdefault(member_id, set()).add(other_id)
    for member_id, others in referrals_queries.referred_by(
        member_ids, start=start, end=end
    ).items():
        reached.setdefault(member_id, set()).update(others)
    orders = dict(
        CustomerDay.objects.filter(
            member_id__in=member_ids, day__gte=period.start, day__lte=period.end
        )
        .values("member_id")
        .annotate(n=Sum("orders"))
        .values_list("member_id", "n")
    )
    return {
        member_id: AdvocateScore(
            interactions=interactions.get(member_id) or 0,
            reach=len(reached.get(member_id, ())),
            orders=orders.get(member_id) or 0,
        )
        for member_id in member_ids
    }


# --- Voice of the member --------------------------------------------------------------------

POSITIVE, NEGATIVE = 0.2, -0.2
VOICE_WEEKS = 8
THEME_POSTS = 5000  # the most recent posts of the period read for themes
THEME_MIN_POSTS = 2
THEME_ROWS = 15
THEME_EXAMPLES = 3
REQUEST_ROWS = 30


@dataclass
class Theme:
    phrase: str
    posts: int
    examples: list[dict]  # {"url", "title"} of the most recent posts with the phrase


def _post_url(post_id: int) -> str:
    return reverse("community:post", kwargs={"post_id": post_id})


def _voice(period: Period, space: Space | None = None):
    rows = PostVoice.objects.filter(
        posted_on__gte=period.start, posted_on__lte=period.end, post__deleted_at__isnull=True
    )
    return rows if space is None else rows.filter(space=space)


def sentiment_by_space_and_week(period: Period, space: Space | None = None) -> Table:
    """Average sentiment, positive and negative shares and post counts per space and week
    (weeks start on Monday, UTC). One query plus the space names."""
    rows = (
        _voice(period, space)
        .values("week", "space_id")
        .annotate(
            posts=Count("pk"),
            average=Avg("sentiment"),
            positive=Count("pk", filter=Q(sentiment__gte=POSITIVE)),
            negative=Count("pk", filter=Q(sentiment__lte=NEGATIVE)),
        )
        .order_by("-week", "space_id")
    )
    names = dict(Space.objects.values_list("pk", "name"))
    return Table(
        "sentiment",
        _("Sentiment by space and week"),
        [_("Week of"), _("Space"), _("Posts"), _("Average"), _("Positive"), _("Negative")],
        [
            [
                row["week"],
                names.get(row["space_id"], ""),
                row["posts"],
                round(row["average"], 2),
                ratio(row["positive"], row["posts"], 3),
                ratio(row["negative"], row["posts"], 3),
            ]
            for row in rows
        ],
    )


def sentiment_series(period: Period, space: Space | None = None) -> list[tuple[dt.date, float]]:
    averages = dict(
        _voice(period, space)
        .values("week")
        .annotate(average=Avg("sentiment"))
        .values_list("week", "average")
    )
    return [(week, round(value, 2)) for week, value in sorted(averages.items())]


def themes(period: Period, space: Space | None = None, *, negative: bool = False) -> list[Theme]:
    """Phrases found in at least two of the period's most recent posts, most posts first,
    each with links to the latest posts that use it. With `negative`, only posts whose
    sentiment is negative: the pain points. Two queries."""
    from flywheel.community.models import Topic

    rows = _voice(period, space)
    if negative:
        rows = rows.filter(sentiment__lte=NEGATIVE)
    recent = list(
        rows.order_by("-post_id").values_list("post_id", "topic_id", "phrases")[:THEME_POSTS]
    )
    counts: dict[str, int] = {}
    latest: dict[str, list[tuple[int, int]]] = {}
    for post_id, topic_id, phrases in recent:
        for phrase in phrases:
            counts[phrase] = counts.get(phrase, 0) + 1
            if len(latest.setdefault(phrase, [])) < THEME_EXAMPLES:
                latest[phrase].append((post_id, topic_id))
    ranked = sorted(
        (phrase for phrase, n in counts.items() if n >= THEME_MIN_POSTS),
        key=lambda phrase: (-counts[phrase], -len(phrase), phrase),
    )
    chosen: list[str] = []
    for phrase in ranked:
        # A shorter phrase inside a chosen longer one with as many posts says nothing new.
        if any(phrase in longer and counts[longer] >= counts[phrase] for longer in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == THEME_ROWS:
            break
    topic_ids = {topic_id for phrase in chosen for _post, topic_id in latest[phrase]}
    topics = Topic.objects.in_bulk(topic_ids)
    return [
        Theme(
            phrase=phrase,
            posts=counts[phrase],
            examples=[
                {"url": _post_url(post_id), "title": topics[topic_id].title}
                for post_id, topic_id in latest[phrase]
                if topic_id in topics
            ],
        )
        for phrase in chosen
    ]


def themes_table(name: str, title: str, found: list[Theme]) -> Table:
    return Table(
        name,
        title,
        [_("Phrase"), _("Posts"), _("Latest posts")],
        [
            [theme.phrase, theme.posts, " ".join(e["url"] for e in theme.examples)]
            for theme in found
        ],
    )


def feature_requests(period: Period, space: Space | None = None) -> list[dict]:
    """The period's posts that ask for something, newest first (two queries)."""
    from flywheel.community.models import Post

    found = list(
        _voice(period, space)
        .filter(is_request=True)
        .order_by("-post_id")
        .values_list("post_id", "posted_on", "space_id")[:REQUEST_ROWS]
    )
    posts = Post.objects.select_related("topic", "author").in_bulk([row[0] for row in found])
    names = dict(Space.objects.values_list("pk", "name"))
    return [
        {
            "url": _post_url(post_id),
            "topic": posts[post_id].topic.title,
            "excerpt": excerpt(posts[post_id].body, 160),
            "author": posts[post_id].author.handle if posts[post_id].author else "",
            "space": names.get(space_id, ""),
            "day": posted_on,
        }
        for post_id, posted_on, space_id in found
        if post_id in posts
    ]


def feature_requests_table(requests: list[dict]) -> Table:
    return Table(
        "requests",
        _("Feature requests"),
        [_("Day"), _("Space"), _("Topic"), _("Member"), _("Excerpt"), _("Link")],
        [[r["day"], r["space"], r["topic"], r["author"], r["excerpt"], r["url"]] for r in requests],
    )
