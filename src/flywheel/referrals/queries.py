"""Reads shared by the referral pages, the API and the CSV exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from flywheel.referrals.models import (
    Ambassador,
    CreditState,
    Referral,
    ReferralClick,
    ReferralStatus,
    StoreCredit,
)

REWARDED = (ReferralStatus.PENDING, ReferralStatus.APPROVED)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def referrals_of(member) -> QuerySet[Referral]:
    """The member's referrals for their list: one query, friends' names joined in."""
    return (
        Referral.objects.filter(referrer=member)
        .select_related("referred_member", "code")
        .order_by("-created_at", "-id")
    )


# The outbound kinds (services.WELCOME_CODE_KIND), repeated here so reads need no services.
WELCOME_CODE_KIND = "referrals.welcome_code"


def readable_error(last_error: str) -> str:
    """The exception's message from a stored traceback (its last line, without the class)."""
    lines = [line for line in (last_error or "").strip().splitlines() if line.strip()]
    if not lines:
        return ""
    head, separator, message = lines[-1].partition(": ")
    return message if separator and "." in head and " " not in head else lines[-1]


def welcome_code_for(member) -> dict | None:
    """What a referred member is told about their welcome code: `ready` (with the code),
    `waiting` (the shop refused or failed; it is being tried again), `failed` (tries
    exhausted; staff see why) or `none` (no shop to create it in). None: not referred."""
    from flywheel.core.models import DeliveryState, OutboundMessage

    referral = (
        Referral.objects.filter(referred_member=member)
        .only("pk", "friend_code", "referred_member")
        .first()
    )
    if referral is None:
        return None
    if referral.friend_code:
        return {"state": "ready", "code": referral.friend_code}
    message = (
        OutboundMessage.objects.filter(dedupe_key=f"{WELCOME_CODE_KIND}:{referral.pk}")
        .only("state", "last_error")
        .first()
    )
    if message is None:
        return {"state": "none"}
    if message.state == DeliveryState.DEAD:
        return {"state": "failed"}
    return {"state": "waiting"}


def welcome_code_failures() -> list[dict]:
    """Welcome codes the shop refused or failed to create, for staff: retrying ones and
    dead-lettered ones, with the shop's reason (two queries whatever the number)."""
    from flywheel.core.models import DeliveryState, OutboundMessage

    messages = list(
        OutboundMessage.objects.filter(
            kind=WELCOME_CODE_KIND, state__in=(DeliveryState.FAILED, DeliveryState.DEAD)
        )
        .only("pk", "payload", "state", "attempts", "last_error", "next_attempt_at")
        .order_by("-last_attempt_at", "-pk")[:200]
    )
    ids = [int((m.payload or {}).get("referral_id") or 0) for m in messages]
    referrals = Referral.objects.select_related("referrer").in_bulk(ids)
    rows = []
    for message, referral_id in zip(messages, ids, strict=True):
        referral = referrals.get(referral_id)
        if referral is None or referral.friend_code:
            continue
        rows.append(
            {
                "referral": referral,
                "message_id": message.pk,
                "dead": message.state == DeliveryState.DEAD,
                "attempts": message.attempts,
                "next_attempt_at": message.next_attempt_at,
                "reason": readable_error(message.last_error),
            }
        )
    return rows


def store_credits_of(member) -> QuerySet[StoreCredit]:
    return StoreCredit.objects.filter(member=member).order_by("-created_at", "-id")


def store_credit_problems() -> QuerySet[StoreCredit]:
    """Store credit the shop refused (not supported there, or an invalid credit)."""
    return (
        StoreCredit.objects.filter(state=CreditState.REFUSED)
        .select_related("member", "store")
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
        return Decimal("0.0")
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
    revenue = totals["revenue"].quantize(CENT)
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
                "revenue": total.get("revenue", ZERO).quantize(CENT),
                "conversion_rate": _rate(first_orders, member_clicks),
                "points": points.get(ambassador.member_id, 0),
                # Commission is paid on approved referrals only (past the refund window).
                "commission": (approved * ambassador.tier.commission_percent / 100).quantize(
                    Decimal("0.01")
                ),
            }
        )
    return rows


# ------------------------------------------------------------------------------ over time

DASHBOARD_WEEKS = 12


@dataclass
class Week:
    starts: datetime.date  # the Monday (UTC) the week begins
    clicks: int = 0
    sign_ups: int = 0
    first_orders: int = 0
    revenue: Decimal = ZERO
    points: int = 0

    @property
    def conversion_rate(self) -> Decimal:
        return _rate(self.first_orders, self.clicks)


def _monday(moment: datetime.datetime | datetime.date) -> datetime.date:
    day = moment.date() if isinstance(moment, datetime.datetime) else moment
    return day - datetime.timedelta(days=day.weekday())


def _by_week(queryset, field: str, **aggregates) -> dict[datetime.date, dict]:
    rows = (
        queryset.annotate(week=TruncWeek(field, tzinfo=datetime.UTC))
        .values("week")
        .annotate(**aggregates)
    )
    return {_monday(row["week"]): row for row in rows}


def weekly_figures(member, *, weeks: int = DASHBOARD_WEEKS, now=None) -> list[Week]:
    """The member's referral figures per week (UTC, Monday first) for the last `weeks` weeks,
    oldest first, empty weeks included: clicks; sign-ups and first orders (rewarded: pending or
    approved) in the week they happened; the revenue of those first orders; points earned from
    referrals (awards less reversals) in the week they were earned. Four queries."""
    from flywheel.rewards.models import EntryKind, LedgerEntry

    this_week = _monday(timezone.now() if now is None else now)
    first = this_week - datetime.timedelta(weeks=weeks - 1)
    since = datetime.datetime.combine(first, datetime.time.min, tzinfo=datetime.UTC)
    clicks = _by_week(
        ReferralClick.objects.filter(code__member=member, created_at__gte=since),
        "created_at",
        count=Count("pk"),
    )
    sign_ups = _by_week(
        Referral.objects.filter(
            referrer=member, referred_member__isnull=False, created_at__gte=since
        ),
        "created_at",
        count=Count("pk"),
    )
    orders = _by_week(
        Referral.objects.filter(referrer=member, status__in=REWARDED, converted_at__gte=since),
        "converted_at",
        count=Count("pk"),
        revenue=Sum("order_total"),
    )
    points = _by_week(
        LedgerEntry.objects.filter(
            member=member,
            origin_key__startswith="referral:",
            kind__in=[EntryKind.AWARD, EntryKind.REVERSE],
            occurred_at__gte=since,
        ),
        "occurred_at",
        total=Sum("points"),
    )
    series = []
    for offset in range(weeks):
        starts = first + datetime.timedelta(weeks=offset)
        series.append(
            Week(
                starts=starts,
                clicks=clicks.get(starts, {}).get("count", 0),
                sign_ups=sign_ups.get(starts, {}).get("count", 0),
                first_orders=orders.get(starts, {}).get("count", 0),
                revenue=(orders.get(starts, {}).get("revenue") or ZERO).quantize(CENT),
                points=points.get(starts, {}).get("total") or 0,
            )
        )
    return series


# ------------------------------------------------------------------------------ programme-wide
# Read by analytics (above referrals in the layers) for the console's growth and commerce
# figures; these two functions are the whole interface it uses.


@dataclass
class ProgrammeTotals:
    """The referral programme over a window of time."""

    clicks: int
    referred_sign_ups: int  # friends who signed up in the window through a referral
    referrers: int  # distinct members whose referral brought one of those sign-ups
    first_orders: int  # friends' first orders converted in the window (pending or approved)
    first_order_revenue: dict[str, Decimal]  # currency → total of those first orders


def programme_totals(*, start, end) -> ProgrammeTotals:
    """Totals of the whole programme for `start <= moment < end` (aware datetimes). Three
    queries whatever the number of referrals."""
    signed_up = Referral.objects.filter(
        referred_member__date_joined__gte=start, referred_member__date_joined__lt=end
    ).aggregate(
        sign_ups=Count("pk"),
        referrers=Count("referrer_id", distinct=True),
    )
    converted = (
        Referral.objects.filter(status__in=REWARDED, converted_at__gte=start, converted_at__lt=end)
        .exclude(order_currency="")
        .values("order_currency")
        .annotate(count=Count("pk"), revenue=Sum("order_total"))
        .order_by("order_currency")
    )
    revenue, first_orders = {}, 0
    for row in converted:
        revenue[row["order_currency"]] = row["revenue"] or ZERO
        first_orders += row["count"]
    return ProgrammeTotals(
        clicks=ReferralClick.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        referred_sign_ups=signed_up["sign_ups"],
        referrers=signed_up["referrers"],
        first_orders=first_orders,
        first_order_revenue=revenue,
    )


def referred_member_ids(member_ids) -> set[int]:
    """Which of these members signed up through a referral (one query)."""
    return set(
        Referral.objects.filter(referred_member_id__in=list(member_ids)).values_list(
            "referred_member_id", flat=True
        )
    )


def referred_by(referrer_ids, *, start, end) -> dict[int, set[int]]:
    """Members each of these referrers brought in who signed up in the window (one query)."""
    found: dict[int, set[int]] = {}
    rows = Referral.objects.filter(
        referrer_id__in=list(referrer_ids),
        referred_member__isnull=False,
        referred_member__date_joined__gte=start,
        referred_member__date_joined__lt=end,
    ).values_list("referrer_id", "referred_member_id")
    for referrer_id, member_id in rows:
        found.setdefault(referrer_id, set()).add(member_id)
    return found
