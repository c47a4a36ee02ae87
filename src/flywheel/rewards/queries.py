"""Reads shared by the rewards pages, the API and tasks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from flywheel.rewards.models import (
    LeaderboardScore,
    LedgerEntry,
    MemberOfTheMonth,
    Period,
    Perk,
    PointsAccount,
    Redemption,
    StandingDiscount,
    Tier,
)
from flywheel.rewards.services import period_starts, qualification

LEADERBOARD_SIZE = 50


def account_for(member) -> PointsAccount:
    """The member's account (an unsaved empty one when they never earned anything)."""
    account = PointsAccount.objects.select_related("tier").filter(member=member).first()
    return account or PointsAccount(member=member)


def ledger_for(member) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(member=member)
        .select_related("rule")
        .order_by("-created_at", "-id")
    )


def redemptions_for(member) -> QuerySet[Redemption]:
    return (
        Redemption.objects.filter(member=member)
        .select_related("perk")
        .order_by("-created_at", "-id")
    )


def standing_discount_for(member) -> StandingDiscount | None:
    """The member's current standing-discount code (active, or pending in the store)."""
    if member.pk is None:
        return None
    return (
        StandingDiscount.objects.filter(
            member=member,
            status__in=[StandingDiscount.Status.ACTIVE, StandingDiscount.Status.PENDING],
        )
        .select_related("tier")
        .order_by("-created_at", "-id")
        .first()
    )


def perks_for_catalogue() -> QuerySet[Perk]:
    return Perk.objects.filter(active=True).select_related("min_tier", "space")


@dataclass(frozen=True)
class TierProgress:
    current: Tier | None
    next_tier: Tier | None
    points: int
    points_needed: int | None
    percent: int


def tier_progress(member, account: PointsAccount) -> TierProgress:
    """Where the member stands: their tier and how far the next one is (by points)."""
    tiers = list(Tier.objects.order_by("rank"))
    current = account.tier if account.tier_id else None
    if not tiers or not account.pk:
        next_tier = tiers[0] if tiers else None
        needed = next_tier.min_points if next_tier else None
        return TierProgress(current, next_tier, 0, needed, 0)
    points, _spend = qualification(member.pk, at=timezone.now(), need_spend=False)
    current_rank = current.rank if current else 0
    higher = [tier for tier in tiers if tier.rank > current_rank and tier.min_points is not None]
    next_tier = higher[0] if higher else None
    if next_tier is None:
        return TierProgress(current, None, points, None, 100)
    needed = max(next_tier.min_points - points, 0)
    percent = min(100, int(points * 100 / next_tier.min_points)) if next_tier.min_points else 100
    return TierProgress(current, next_tier, points, needed, percent)


def current_period_start(period: str, *, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.now().astimezone(datetime.UTC).date()
    return dict(period_starts(today))[period]


def leaderboard_queryset(period: str, *, space=None) -> QuerySet[LeaderboardScore]:
    """Scores for the current period, best first: a range read on the ranking index."""
    return (
        LeaderboardScore.objects.filter(
            period=period,
            period_start=current_period_start(period),
            space=space,
            points__gt=0,
            member__is_active=True,
        )
        .select_related("member")
        .order_by("-points", "member_id")
    )


@dataclass(frozen=True)
class Leaderboard:
    period: str
    space: object
    top: list[LeaderboardScore]
    viewer_score: LeaderboardScore | None
    viewer_rank: int | None


def leaderboard(
    period: str, *, space=None, viewer=None, size: int = LEADERBOARD_SIZE
) -> Leaderboard:
    """The top `size` and the viewer's own rank: three index reads whatever the member count."""
    if period not in Period.values:
        period = Period.WEEK
    scores = leaderboard_queryset(period, space=space)
    top = list(scores[:size])
    viewer_score = viewer_rank = None
    if viewer is not None and viewer.is_authenticated:
        # Always the same two reads, in the top or not: the page's query count stays flat.
        viewer_score = scores.filter(member_id=viewer.pk).first()
        if viewer_score is not None:
            # Ties share a rank: everyone with more points, plus one.
            # Counted on the index alone (no join): a deactivated member above still counts.
            viewer_rank = (
                LeaderboardScore.objects.filter(
                    period=period,
                    period_start=viewer_score.period_start,
                    space=space,
                    points__gt=viewer_score.points,
                ).count()
                + 1
            )
    return Leaderboard(period, space, top, viewer_score, viewer_rank)


def featured_member_of_the_month(*, today: datetime.date | None = None) -> MemberOfTheMonth | None:
    today = today or timezone.now().astimezone(datetime.UTC).date()
    return (
        MemberOfTheMonth.objects.filter(month__lte=today, member__is_active=True)
        .select_related("member")
        .order_by("-month")
        .first()
    )
