"""JSON API for points: my balance and ledger, leaderboards, perks and redeeming them."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, MemberSummary, member_summary
from flywheel.community.permissions import get_visible_space
from flywheel.rewards import permissions, queries, services
from flywheel.rewards.models import LedgerEntry, Period, Perk

router = Router(tags=["rewards"])

LEDGER_ORDERING = ("-created_at", "-id")


class TierOut(Schema):
    slug: str
    name: str
    rank: int
    points_multiplier: Decimal
    member_discount_percent: Decimal


class StandingDiscountOut(Schema):
    status: Literal["active", "pending"] = Field(
        description="pending: the shop has not created the code yet (no store, or it failed)."
    )
    percent: Decimal = Field(description="Percentage off every order.")
    code: str = Field(description="The member's personal code; empty while pending.")
    url: str = Field(description="A storefront link that applies it, where the shop has one.")
    tier: str | None = Field(description="The slug of the tier it comes with.")


class BalanceOut(Schema):
    balance: int = Field(description="Spendable points.")
    pending: int = Field(description="Order points waiting for the refund window to pass.")
    lifetime_earned: int
    tier: TierOut | None
    next_tier: TierOut | None
    points_to_next_tier: int | None
    standing_discount: StandingDiscountOut | None = Field(
        description="The tier's standing member discount: a personal code for every order."
    )


class LedgerEntryOut(Schema):
    id: int
    kind: str
    points: int
    status: str
    reason: str
    source: str
    occurred_at: datetime
    available_at: datetime | None
    created_at: datetime


class LedgerPage(Schema):
    items: list[LedgerEntryOut]
    next_cursor: str | None


class LeaderboardRowOut(Schema):
    rank: int
    member: MemberSummary
    points: int


class LeaderboardOut(Schema):
    period: str
    space: str | None
    items: list[LeaderboardRowOut]
    my_rank: int | None
    my_points: int | None


class LeaderboardFilters(Schema):
    period: Literal["week", "month", "all"] = Field("week")
    space: str | None = Field(None, max_length=100, description="A space's slug.")


class PerkOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    description: str
    cost_points: int
    min_tier: str | None = Field(description="The slug of the lowest tier it is for.")
    stock: int | None


class RedemptionOut(Schema):
    id: int
    perk: PerkOut
    points: int
    status: str
    code: str = Field(description="The store code, for discount perks.")
    url: str = Field(description="Where to use it: the shop link or the early-access link.")
    content: str = Field(description="Exclusive content (Markdown), once redeemed.")
    created_at: datetime


def _tier_out(tier) -> dict | None:
    if tier is None:
        return None
    return {
        "slug": tier.slug,
        "name": tier.name,
        "rank": tier.rank,
        "points_multiplier": tier.points_multiplier,
        "member_discount_percent": tier.member_discount_percent,
    }


def _standing_discount_out(discount) -> dict | None:
    if discount is None:
        return None
    return {
        "status": discount.status,
        "percent": discount.percent,
        "code": discount.code,
        "url": discount.url,
        "tier": discount.tier.slug if discount.tier_id else None,
    }


def _entry_out(entry: LedgerEntry) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "points": entry.points,
        "status": entry.status,
        "reason": entry.reason,
        "source": entry.source_key,
        "occurred_at": entry.occurred_at,
        "available_at": entry.available_at,
        "created_at": entry.created_at,
    }


def _perk_out(perk: Perk) -> dict:
    return {
        "id": perk.pk,
        "slug": perk.slug,
        "name": perk.name,
        "kind": perk.kind,
        "description": perk.description,
        "cost_points": perk.cost_points,
        "min_tier": perk.min_tier.slug if perk.min_tier_id else None,
        "stock": perk.stock,
    }


def _redemption_out(redemption) -> dict:
    fulfilled = redemption.status == "fulfilled"
    return {
        "id": redemption.pk,
        "perk": _perk_out(redemption.perk),
        "points": redemption.points,
        "status": redemption.status,
        "code": redemption.code,
        "url": redemption.code_url,
        "content": redemption.perk.content if fulfilled else "",
        "created_at": redemption.created_at,
    }


def _ledger_page(member, params: PageParams) -> dict:
    result = paginate(
        queries.ledger_for(member),
        ordering=LEDGER_ORDERING,
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": [_entry_out(e) for e in result.items], "next_cursor": result.next_cursor}


@router.get(
    "/me", response={200: BalanceOut, **READ_ERRORS}, auth=member_required, summary="My points"
)
def my_balance(request: HttpRequest):
    member = viewer(request)
    account = queries.account_for(member)
    progress = queries.tier_progress(member, account)
    return {
        "balance": account.balance,
        "pending": account.pending,
        "lifetime_earned": account.lifetime_earned,
        "tier": _tier_out(progress.current),
        "next_tier": _tier_out(progress.next_tier),
        "points_to_next_tier": progress.points_needed,
        "standing_discount": _standing_discount_out(queries.standing_discount_for(member)),
    }


@router.get(
    "/me/ledger",
    response={200: LedgerPage, **READ_ERRORS},
    auth=member_required,
    summary="My points history",
)
def my_ledger(request: HttpRequest, params: Query[PageParams]):
    """Newest first."""
    return _ledger_page(viewer(request), params)


@router.get(
    "/members/{handle}/ledger",
    response={200: LedgerPage, **READ_ERRORS},
    auth=member_required,
    summary="A member's points history (yourself, or anyone for staff)",
)
def member_ledger(request: HttpRequest, handle: str, params: Query[PageParams]):
    member = permissions.get_visible_ledger_owner(viewer(request), handle[:30])
    return _ledger_page(member, params)


@router.get(
    "/me/redemptions",
    response={200: list[RedemptionOut], **READ_ERRORS},
    auth=member_required,
    summary="My redeemed perks, with their codes",
)
def my_redemptions(request: HttpRequest):
    return [_redemption_out(r) for r in queries.redemptions_for(viewer(request))[:100]]


@router.get(
    "/leaderboard",
    response={200: LeaderboardOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Top 50 for this week, month or all time, overall or in a space",
)
def leaderboard(request: HttpRequest, filters: Query[LeaderboardFilters]):
    user = viewer(request)
    space = None
    if filters.space:
        try:
            space = get_visible_space(user, filters.space)
        except PermissionDenied:
            raise Http404(_("No such space.")) from None
    board = queries.leaderboard(filters.period or Period.WEEK, space=space, viewer=user)
    return {
        "period": board.period,
        "space": space.slug if space else None,
        "items": [
            {"rank": position, "member": member_summary(score.member), "points": score.points}
            for position, score in enumerate(board.top, start=1)
        ],
        "my_rank": board.viewer_rank,
        "my_points": board.viewer_score.points if board.viewer_score else None,
    }


@router.get(
    "/perks",
    response={200: list[PerkOut], **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="The perks",
)
def perks(request: HttpRequest):
    return [_perk_out(perk) for perk in queries.perks_for_catalogue()]


@router.post(
    "/perks/{perk_id}/redeem",
    response={201: RedemptionOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Redeem a perk with points",
)
def redeem(request: HttpRequest, perk_id: int):
    """409 `insufficient_points` (field `points`) when the balance is too low."""
    perk = Perk.objects.filter(pk=perk_id, active=True).first() if 0 < perk_id < 2**63 else None
    if perk is None:
        raise Http404(_("No such perk."))
    redemption = services.redeem_perk(member=viewer(request), perk=perk)
    return Status(201, _redemption_out(redemption))
