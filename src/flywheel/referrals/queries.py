"""Reads shared by the referral pages, the API and the CSV exports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from flywheel.referrals.models import (
    Ambassador,
    Referral,
    ReferralClick,
    ReferralStatus,
)

REWARDED = (ReferralStatus.PENDING, ReferralStatus.APPROVED)
ZERO = Decimal("0.00")


def referrals_of(member) -> QuerySet[Referral]:
    """The member's referrals for their list: one query, friends' names joined in."""
    return (
        Referral.objects.filter(referrer=member)
        .select_related("referred_member", "code")
        .order_by("-created_at", "-id")
    )


def held_referrals() -> QuerySet[Referral]:
    return (
        Referral.objects.filter(status=ReferralStatus.HELD)
        .select_related("referrer", "referred_member", "code", "first_order")
        .order_by("converted_at", "id")
    )


@dataclass
class Figures:
    clicks: int
    sign_ups: int
    first_orders: int
    revenue: Decimal
    currency: str
    conversion_rate: Decimal  # first orders per click, in per cent
    points: int
    commission: Decimal


def _points_by_member(member_ids: list[int]) -> dict[int, int]:
    from flywheel.rewards.models import EntryKind, LedgerEntry

    rows = (
        LedgerEntry.objects.filter(
            member_id__in=member_ids,
            origin_key__startswith="referral:",
            kind__in=[EntryKind.AWARD, EntryKind.REVERSE],
        )
        .values("member_id")
        .annotate(points=Sum("points"))
    )
    return {row["member_id"]: row["points"] or 0 for row in rows}


def _rate(first_orders: int, clicks: int) -> Decimal:
    if not clicks:
        return ZERO
    return (Decimal(first_orders) * 100 / Decimal(clicks)).quantize(Decimal("0.1"))


def figures_for(member, *, commission_percent: Decimal = ZERO) -> Figures:
    clicks = ReferralClick.objects.filter(code__member=member).count()
    totals = Referral.objects.filter(referrer=member).aggregate(
        sign_ups=Count("pk", filter=Q(referred_member__isnull=False)),
        first_orders=Count("pk", filter=Q(status__in=REWARDED)),
        revenue=Coalesce(
            Sum("order_total", filter=Q(status__in=REWARDED)),
            Value(ZERO),
            output_field=DecimalField(),
        ),
    )
    currency = (
        Referral.objects.filter(referrer=member, status__in=REWARDED)
        .exclude(order_currency="")
        .values_list("order_currency", flat=True)
        .first()
        or ""
    )
    revenue = totals["revenue"]
    return Figures(
        clicks=clicks,
        sign_ups=totals["sign_ups"],
        first_orders=totals["first_orders"],
        revenue=revenue,
        currency=currency,
        conversion_rate=_rate(totals["first_orders"], clicks),
        points=_points_by_member([member.pk]).get(member.pk, 0),
        commission=(revenue * commission_percent / 100).quantize(Decimal("0.01")),
    )


def ambassador_rows() -> list[dict]:
    """Every ambassador's figures for staff, in a fixed number of queries."""
    ambassadors = list(
        Ambassador.objects.select_related("member", "tier").order_by("member__handle")
    )
    member_ids = [ambassador.member_id for ambassador in ambassadors]
    clicks = dict(
        ReferralClick.objects.filter(code__member_id__in=member_ids)
        .values("code__member_id")
        .annotate(count=Count("pk"))
        .values_list("code__member_id", "count")
    )
    totals = {
        row["referrer_id"]: row
        for row in Referral.objects.filter(referrer_id__in=member_ids)
        .values("referrer_id")
        .annotate(
            sign_ups=Count("pk", filter=Q(referred_member__isnull=False)),
            first_orders=Count("pk", filter=Q(status__in=REWARDED)),
            approved_revenue=Coalesce(
                Sum("order_total", filter=Q(status=ReferralStatus.APPROVED)),
                Value(ZERO),
                output_field=DecimalField(),
            ),
            revenue=Coalesce(
                Sum("order_total", filter=Q(status__in=REWARDED)),
                Value(ZERO),
                output_field=DecimalField(),
            ),
        )
    }
    points = _points_by_member(member_ids)
    rows = []
    for ambassador in ambassadors:
        total = totals.get(ambassador.member_id, {})
        member_clicks = clicks.get(ambassador.member_id, 0)
        first_orders = total.get("first_orders", 0)
        approved = total.get("approved_revenue", ZERO)
        rows.append(
            {
                "ambassador": ambassador,
                "clicks": member_clicks,
                "sign_ups": total.get("sign_ups", 0),
                "first_orders": first_orders,
                "revenue": total.get("revenue", ZERO),
                "conversion_rate": _rate(first_orders, member_clicks),
                "points": points.get(ambassador.member_id, 0),
                # Commission is paid on approved referrals only (past the refund window).
                "commission": (approved * ambassador.tier.commission_percent / 100).quantize(
                    Decimal("0.01")
                ),
            }
        )
    return rows
