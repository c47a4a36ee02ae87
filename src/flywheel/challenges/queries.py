"""Reads shared by the challenge pages: the list, the progress board, a member's progress and
the recent check-ins, each with related rows fetched up front (a flat query count)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from flywheel.challenges import permissions
from flywheel.challenges.models import Challenge, CheckIn, Participation
from flywheel.challenges.services import local_day

BOARD_SIZE = 50
RECENT_SIZE = 20


@dataclass(frozen=True)
class BoardRow:
    rank: int
    member: object
    check_in_count: int
    current_streak: int
    longest_streak: int
    percent: int
    completed: bool


@dataclass(frozen=True)
class Progress:
    participation: Participation
    today: date
    check_in_count: int
    target: int
    percent: int
    current_streak: int
    longest_streak: int
    checked_in_today: bool
    completed: bool
    may_check_in: bool


def _percent(done: int, target: int) -> int:
    return min(100, round(100 * done / target)) if target else 0


def visible_challenges(user) -> QuerySet[Challenge]:
    return permissions.filter_challenges_queryset(
        user, Challenge.objects.select_related("space", "badge")
    )


def challenge_lists(user, *, today: date) -> dict[str, list[Challenge]]:
    """Running, upcoming and past challenges the user may see (one query)."""
    lists: dict[str, list[Challenge]] = {"running": [], "upcoming": [], "past": []}
    for challenge in visible_challenges(user).order_by("starts_on", "pk")[:200]:
        if challenge.starts_on > today:
            lists["upcoming"].append(challenge)
        elif challenge.ends_on < today:
            lists["past"].append(challenge)
        else:
            lists["running"].append(challenge)
    lists["past"].reverse()
    return lists


def progress_board(challenge: Challenge, *, now: datetime) -> list[BoardRow]:
    """Members ranked by check-ins, then longest streak, then who joined first (one query).
    A member's current streak reads their own local today."""
    rows = []
    participations = (
        Participation.objects.filter(challenge=challenge, member__is_active=True)
        .select_related("member")
        .order_by("-check_in_count", "-longest_streak", "joined_at", "pk")[:BOARD_SIZE]
    )
    for rank, participation in enumerate(participations, start=1):
        member = participation.member
        rows.append(
            BoardRow(
                rank=rank,
                member=member,
                check_in_count=participation.check_in_count,
                current_streak=participation.current_streak_on(local_day(member, now)),
                longest_streak=participation.longest_streak,
                percent=_percent(participation.check_in_count, challenge.target_check_ins),
                completed=participation.completed_at is not None,
            )
        )
    return rows


def member_progress(challenge: Challenge, member, *, now: datetime) -> Progress | None:
    if member is None or not member.is_authenticated:
        return None
    participation = Participation.objects.filter(challenge=challenge, member=member).first()
    if participation is None:
        return None
    today = local_day(member, now)
    checked_in_today = participation.last_check_in_day == today
    return Progress(
        participation=participation,
        today=today,
        check_in_count=participation.check_in_count,
        target=challenge.target_check_ins,
        percent=_percent(participation.check_in_count, challenge.target_check_ins),
        current_streak=participation.current_streak_on(today),
        longest_streak=participation.longest_streak,
        checked_in_today=checked_in_today,
        completed=participation.completed_at is not None,
        may_check_in=(not checked_in_today and challenge.starts_on <= today <= challenge.ends_on),
    )


def recent_check_ins(challenge: Challenge) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(challenge=challenge, member__is_active=True)
        .select_related("member")
        .order_by("-created_at", "-pk")[:RECENT_SIZE]
    )
