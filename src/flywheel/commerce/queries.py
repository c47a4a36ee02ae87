"""Reads about purchases shared by pages, permissions and tasks."""

from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from flywheel.commerce.models import PAID_STATUSES, Order, OrderLine, SpaceGate


def qualifying_orders(member) -> QuerySet[Order]:
    """The member's orders that count as a purchase: paid, not cancelled, not fully refunded."""
    return Order.objects.filter(
        customer__member=member,
        cancelled_at__isnull=True,
        financial_status__in=PAID_STATUSES,
        refunded_total__lt=F("total"),
    )


def is_verified_buyer(member, product=None) -> bool:
    """Has the member bought (and kept) something, or this product?"""
    if member is None or not member.is_authenticated:
        return False
    if product is None:
        return qualifying_orders(member).exists()
    return qualifying_lines(member).filter(product=product).exists()


def qualifying_lines(member) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(
        order__in=qualifying_orders(member), quantity__gt=F("refunded_quantity")
    )


def passes_purchase_gate(user, space) -> bool:
    """GATE_CHECKS entry: a gated space with a purchase gate opens to members with a
    qualifying order of one of its products (or any qualifying order)."""
    if not user.is_authenticated:
        return False
    gate = SpaceGate.objects.filter(space=space).only("pk", "any_order").first()
    if gate is None:
        return False
    if gate.any_order:
        return qualifying_orders(user).exists()
    return qualifying_lines(user).filter(product__space_gates=gate).exists()


def member_orders(member, *, limit: int = 20) -> list[Order]:
    """A member's most recent orders across stores, for the staff view of a profile."""
    return list(
        Order.objects.filter(customer__member=member)
        .select_related("store")
        .order_by("-placed_at", "-id")[:limit]
    )


def member_spend(member) -> list[dict]:
    """Lifetime spend per currency: order totals less refunds, cancelled orders excluded."""
    rows = (
        Order.objects.filter(
            customer__member=member,
            cancelled_at__isnull=True,
            financial_status__in=PAID_STATUSES,
        )
        .values("currency")
        .annotate(total=Sum("total"), refunded=Sum("refunded_total"))
        .order_by("currency")
    )
    return [
        {
            "currency": row["currency"],
            "total": ((row["total"] or Decimal("0")) - (row["refunded"] or Decimal("0"))).quantize(
                Decimal("0.01")
            ),
        }
        for row in rows
    ]
