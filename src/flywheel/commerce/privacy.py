"""The member's store data in their data export, and its erasure (flywheel.core.hooks privacy_exporters and privacy_erasers).

Registered in CommerceConfig.ready() as "commerce". Only store customers linked to the member
(a verified e-mail address, or a staff link) are theirs; unlinked customers with the same
address are not shown to them.
"""

from flywheel.commerce import services
from flywheel.commerce.models import Customer, Order


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_commerce(member) -> dict:
    """The linked store customers, and their orders with lines and refunds."""
    customers = Customer.objects.filter(member=member).select_related("store").order_by("pk")
    orders = (
        Order.objects.filter(customer__member=member)
        .select_related("store")
        .prefetch_related("lines", "refunds")
        .order_by("placed_at", "pk")
    )
    return {
        "customers": [
            {
                "store": customer.store.domain,
                "external_id": customer.external_id,
                "email": customer.email,
                "first_name": customer.first_name,
                "last_name": customer.last_name,
                "phone": customer.phone,
                "addresses": customer.addresses,
                "accepts_marketing": customer.accepts_marketing,
                "created_at": _iso(customer.created_at),
            }
            for customer in customers
        ],
        "orders": [
            {
                "store": order.store.domain,
                "external_id": order.external_id,
                "number": order.number,
                "email": order.email,
                "currency": order.currency,
                "subtotal": str(order.subtotal),
                "discount": str(order.discount),
                "tax": str(order.tax),
                "total": str(order.total),
                "refunded": str(order.refunded_total),
                "financial_status": order.financial_status,
                "fulfillment_status": order.fulfillment_status,
                "placed_at": _iso(order.placed_at),
                "cancelled_at": _iso(order.cancelled_at),
                "billing_address": order.billing_address,
                "shipping_address": order.shipping_address,
                "lines": [
                    {
                        "title": line.title,
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "refunded_quantity": line.refunded_quantity,
                        "price": str(line.price),
                        "total": str(line.total),
                    }
                    for line in order.lines.all()
                ],
                "refunds": [
                    {
                        "amount": str(refund.amount),
                        "currency": refund.currency,
                        "note": refund.note,
                        "refunded_at": _iso(refund.refunded_at),
                    }
                    for refund in order.refunds.all()
                ],
            }
            for order in orders
        ],
    }


def erase_commerce(member, *, content: str) -> None:
    """Unlink and redact the member's store customers; orders keep anonymous totals.

    The same whatever `content` says: orders are not something the member wrote."""
    services.redact_member_customers(member=member)
