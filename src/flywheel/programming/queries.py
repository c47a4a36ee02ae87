"""Reads for the calendar pages: one month's items on their days, and the month's label mix."""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from flywheel.programming.models import CalendarItem, CalendarLabel

# Above this share of promotional items the month page warns (the 80/20 rule of thumb).
PROMOTIONAL_LIMIT = 0.20


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    items: list = field(default_factory=list)


@dataclass
class LabelShare:
    label: str
    name: str
    count: int
    share: float  # 0..1
    offset: float = 0.0  # the shares of the labels before it, for the stacked bar

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def exact_percent(self) -> str:
        return f"{self.share * 100:.2f}"

    @property
    def offset_percent(self) -> str:
        return f"{self.offset * 100:.2f}"


@dataclass
class MonthMix:
    total: int
    shares: list[LabelShare]
    promotional_share: float

    @property
    def value_share(self) -> float:
        return 1 - self.promotional_share if self.total else 0.0

    @property
    def promotional_percent(self) -> int:
        return round(self.promotional_share * 100)

    @property
    def value_percent(self) -> int:
        return round(self.value_share * 100)

    @property
    def too_promotional(self) -> bool:
        return self.promotional_share > PROMOTIONAL_LIMIT


@dataclass
class Month:
    first: dt.date
    weeks: list[list[Day]]
    items: list
    mix: MonthMix

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)


def month_bounds(first: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The month as an aware [start, end) range: midnight to midnight in `zone`."""
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(following, dt.time.min, tzinfo=zone)
    return start, end


def month_mix(items) -> MonthMix:
    counts = {label: 0 for label in CalendarLabel.values}
    for item in items:
        counts[item.label] += 1
    total = sum(counts.values())
    shares = [
        LabelShare(
            label=label.value,
            name=str(label.label),
            count=counts[label.value],
            share=(counts[label.value] / total) if total else 0.0,
        )
        for label in CalendarLabel
    ]
    running = 0.0
    for share in shares:
        share.offset = running
        running += share.share
    promotional = counts[CalendarLabel.PROMOTIONAL] / total if total else 0.0
    return MonthMix(total=total, shares=shares, promotional_share=promotional)


def calendar_month(*, first: dt.date, zone: dt.tzinfo, today: dt.date) -> Month:
    """The month starting `first` seen from `zone`: weeks of days (Monday first), each with
    the items scheduled on that local day, and the month's label mix. One query."""
    start, end = month_bounds(first, zone)
    items = list(
        CalendarItem.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("space", "author", "topic")
        .order_by("scheduled_at", "pk")
    )
    by_day: dict[dt.date, list] = {}
    for item in items:
        item.local_scheduled_at = item.scheduled_at.astimezone(zone)
        by_day.setdefault(item.local_scheduled_at.date(), []).append(item)
    weeks = [
        [
            Day(
                date=day,
                in_month=day.month == first.month,
                is_today=day == today,
                items=by_day.get(day, []) if day.month == first.month else [],
            )
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return Month(first=first, weeks=weeks, items=items, mix=month_mix(items))
