"""The support milestones and review periods, read from settings (docs/ideas.md).

Defaults as LEGO Ideas runs them: 100 supporters within 60 days of submission, then 1,000
within 365 days of reaching 100, 5,000 within 182 more days, 10,000 within 182 more days; the
last one sends the idea to review in the current review period."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings


@dataclass(frozen=True)
class Milestone:
    supporters: int
    days: int  # the window, counted from the previous milestone (the first: submission)


def milestones() -> list[Milestone]:
    """FLYWHEEL_IDEAS_MILESTONES ("100:60,1000:365,...") as a list, in increasing order."""
    result = []
    for part in str(settings.FLYWHEEL_IDEAS_MILESTONES).split(","):
        if not part.strip():
            continue
        supporters, _colon, days = part.strip().partition(":")
        result.append(Milestone(supporters=int(supporters), days=int(days)))
    if not result:
        raise ValueError("FLYWHEEL_IDEAS_MILESTONES lists no milestone")
    return sorted(result, key=lambda milestone: milestone.supporters)


def window_after(reached: int, *, since: datetime) -> datetime | None:
    """When the window for the milestone after `reached` milestones closes (None: no more)."""
    schedule = milestones()
    if reached >= len(schedule):
        return None
    return since + timedelta(days=schedule[reached].days)


def review_period_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The review period holding `moment`: FLYWHEEL_IDEAS_REVIEW_PERIOD_MONTHS-long periods
    starting on 1 January (4 months: January–April, May–August, September–December), UTC."""
    months = max(1, min(12, int(settings.FLYWHEEL_IDEAS_REVIEW_PERIOD_MONTHS)))
    moment = moment.astimezone(UTC)
    start_month = ((moment.month - 1) // months) * months + 1
    start = datetime(moment.year, start_month, 1, tzinfo=UTC)
    end_month = start_month + months
    end = datetime(moment.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1, tzinfo=UTC)
    return start, end
