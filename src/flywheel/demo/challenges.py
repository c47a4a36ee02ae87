"""The demo's challenges, written through `challenges.services` as staff and members would:
"30 days outside", running around the demo's "today" (its anchor) with participants who
checked in on most of the days so far (each at an evening hour of their own time zone, so
streaks are real and some are broken), and "A week of sunrises", finished last month, which
some members completed (so they hold its badge).

Challenges are found by title and a day already checked in is skipped, so a second run
writes nothing and an interrupted run is completed by the next."""

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.contrib.auth import get_user_model

from flywheel.challenges import services
from flywheel.challenges.models import Challenge, CheckIn, Participation
from flywheel.demo.plan import Plan

NOTES = [
    "Twenty minutes round the park before work. Frost on the benches.",
    "Lunch on the hill behind the office; **sun** for once.",
    "Evening loop along the river, headtorch on for the last bit.",
    "Took the long way home on foot. Counted it.",
    "Rain all day, so a short walk in the new shell. Dry inside!",
    "Sat outside with a coffee and a map, planning the weekend.",
    "Hill repeats with the dog. She won.",
    "Bike commute both ways, first time this month.",
]


def _evening(day: dt.date, zone_name: str, hour: int) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return dt.datetime.combine(day, dt.time(hour, 15), tzinfo=zone).astimezone(dt.UTC)


def _challenge(
    by, *, title: str, description: str, first: dt.date, days: int, target: int, badge: str, at
):
    existing = Challenge.objects.filter(title=title).first()
    if existing is not None:
        return existing, 0
    challenge = services.create_challenge(
        by=by,
        title=title,
        description=description,
        starts_on=first,
        ends_on=first + dt.timedelta(days=days - 1),
        target_check_ins=target,
        badge_name=badge,
        at=at,
    )
    return challenge, 1


def _take_part(challenge, member, *, days: list[dt.date], index: int, anchor) -> int:
    written = 0
    joined_at = min(_evening(challenge.starts_on, member.timezone, 8), anchor)
    if not Participation.objects.filter(challenge=challenge, member=member).exists():
        services.join_challenge(challenge=challenge, member=member, at=joined_at)
        written += 1
    done = set(
        CheckIn.objects.filter(challenge=challenge, member=member).values_list("day", flat=True)
    )
    for number, day in enumerate(days):
        # Everyone misses a day now and then, some more than others; the first two never do.
        if index > 1 and (number * 7 + index * 3) % (3 + index % 5) == 0:
            continue
        at = _evening(day, member.timezone, 17 + (index + number) % 5)
        if day in done or at > anchor:
            continue
        services.check_in(
            challenge=challenge,
            member=member,
            text=NOTES[(index + number) % len(NOTES)],
            at=at,
        )
        written += 1
    return written


def seed_challenges(plan: Plan, *, anchor: dt.datetime, progress: Callable[[str], None]) -> int:
    """Write the demo's challenges and check-ins; returns how many rows were new."""
    users = get_user_model().objects
    by_email = {u.email: u for u in users.filter(email__in=[m.email for m in plan.members])}
    staff = next(
        (by_email[m.email] for m in plan.members if m.is_brand_team and m.email in by_email), None
    )
    members = [
        by_email[m.email] for m in plan.members if not m.is_brand_team and m.email in by_email
    ][:14]
    if staff is None or not members:
        return 0
    today = anchor.date()
    written = 0
    running, new = _challenge(
        staff,
        title="30 days outside",
        description=(
            "Get outside every day for 30 days: a walk, a run, a ride, lunch on a bench. "
            "Check in once a day with a line or a photo. Finish all 30 for the **Fresh air** badge."
        ),
        first=today - dt.timedelta(days=11),
        days=30,
        target=30,
        badge="Fresh air",
        at=anchor - dt.timedelta(days=14),
    )
    written += new
    past_days = [
        running.starts_on + dt.timedelta(days=n)
        for n in range((today - running.starts_on).days + 1)
    ]
    for index, member in enumerate(members[:12]):
        written += _take_part(running, member, days=past_days, index=index, anchor=anchor)
    sunrises, new = _challenge(
        staff,
        title="A week of sunrises",
        description="Catch five sunrises in one week. Photos welcome.",
        first=today - dt.timedelta(days=30),
        days=7,
        target=5,
        badge="Early bird",
        at=anchor - dt.timedelta(days=35),
    )
    written += new
    week = [sunrises.starts_on + dt.timedelta(days=n) for n in range(7)]
    for index, member in enumerate(members[4:12]):
        written += _take_part(sunrises, member, days=week, index=index, anchor=anchor)
    progress(f"challenges: {written} rows")
    return written
