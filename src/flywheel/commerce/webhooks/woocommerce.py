"""WooCommerce webhooks: verification, identification and normalisation.

Documented behaviour this follows (WooCommerce REST API docs, "Webhooks"):
- the payload is the resource exactly as the REST API (wc/v3) returns it;
- X-WC-Webhook-Signature = base64(HMAC-SHA256(webhook secret, raw body));
- X-WC-Webhook-Source is the shop's URL, X-WC-Webhook-Topic e.g. "order.updated",
  X-WC-Webhook-Delivery-ID identifies the delivery (the dedupe key);
- on saving a webhook WooCommerce sends a ping, `webhook_id=<n>` form-encoded and unsigned;
  it is answered 200 without storing anything, or WooCommerce refuses the delivery URL.
WooCommerce has no refund topic: refunds ride in order.updated (`refunds`: id, reason,
total as a negative amount).

The signature covers the body only; the topic header does not. `check_delivery` makes sure
the body is the named topic's resource (a deleted resource's body is just {"id": n}), that
X-WC-Webhook-Resource/-Event agree with the topic, and that the resource's own links (when
sent) point at this shop.

There is no age limit: WooCommerce sends no delivery time at all (signed or not), and a
resource's `date_modified_gmt` is not one (a restore or a plugin's save re-sends an old
modification time). A replayed copy of a resource is harmless anyway: an older copy never
overwrites a newer one (services compare `updated_at`), a redacted customer takes no data
from it, and a deleted resource's body ({"id": n}) deletes nothing new. WooCommerce itself
does not retry a failed delivery; it disables the webhook after five failures in a row.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flywheel.commerce.models import FinancialStatus, FulfillmentStatus, Platform
from flywheel.commerce.normalized import (
    NormalizedCustomer,
    NormalizedOrder,
    NormalizedProduct,
    NormalizedRefund,
)
from flywheel.commerce.webhooks.common import (
    DeliveryRefused,
    IncomingDelivery,
    Normalizers,
    PayloadError,
    apply_resource,
    check_shape,
    email,
    money,
    require_id,
    same_host,
    shape,
    signature_matches,
    text,
    when,
    whole_quantity,
)

PLATFORM = Platform.WOOCOMMERCE
SIGNATURE_HEADER = "X-WC-Webhook-Signature"
STORE_HEADER = "X-WC-Webhook-Source"
TOPIC_HEADER = "X-WC-Webhook-Topic"
EVENT_HEADER = "X-WC-Webhook-Delivery-ID"
RESOURCE_HEADER = "X-WC-Webhook-Resource"
EVENT_NAME_HEADER = "X-WC-Webhook-Event"
# The signature is checked on arrival and not kept (see shopify.KEPT_HEADERS).
KEPT_HEADERS = (
    TOPIC_HEADER,
    STORE_HEADER,
    EVENT_HEADER,
    "X-WC-Webhook-ID",
    RESOURCE_HEADER,
    EVENT_NAME_HEADER,
)

TOPICS = {
    "customer.created": "customer",
    "customer.updated": "customer",
    "customer.deleted": "customer_deleted",
    "order.created": "order",
    "order.updated": "order",
    "order.restored": "order",
    "product.created": "product",
    "product.updated": "product",
    "product.restored": "product",
    "product.deleted": "product_deleted",
}


DESTRUCTIVE_TOPICS = frozenset({"customer.deleted", "product.deleted"})

ORDER_KEYS = {"line_items", "order_key", "payment_method", "shipping_lines"}
PRODUCT_KEYS = {"variations", "sku", "regular_price", "permalink", "type"}
CUSTOMER_KEYS = {"username", "role", "is_paying_customer"}

ORDER_SHAPE = shape(required={"id", "line_items"}, forbidden=PRODUCT_KEYS | CUSTOMER_KEYS)
CUSTOMER_SHAPE = shape(required={"id", "email"}, forbidden=ORDER_KEYS | PRODUCT_KEYS)
PRODUCT_SHAPE = shape(required={"id", "type"}, forbidden=ORDER_KEYS | CUSTOMER_KEYS | {"email"})
# WooCommerce sends a deleted resource as {"id": n} (WC_Webhook::build_payload).
DELETED_SHAPE = shape(required={"id"}, only={"id"})
SHAPES = {
    "order.created": ORDER_SHAPE,
    "order.updated": ORDER_SHAPE,
    "order.restored": ORDER_SHAPE,
    "customer.created": CUSTOMER_SHAPE,
    "customer.updated": CUSTOMER_SHAPE,
    "customer.deleted": DELETED_SHAPE,
    "product.created": PRODUCT_SHAPE,
    "product.updated": PRODUCT_SHAPE,
    "product.restored": PRODUCT_SHAPE,
    "product.deleted": DELETED_SHAPE,
}


def check_delivery(*, store, topic: str, payload: dict, headers, now: datetime) -> None:
    """Refuse (DeliveryRefused) a verified body that is not the named topic's or points at
    another shop."""
    expected = SHAPES.get(topic)
    if expected is None:
        return
    resource, _dot, event = topic.partition(".")
    for header, value in ((RESOURCE_HEADER, resource), (EVENT_NAME_HEADER, event)):
        sent = (headers.get(header) or "").strip().lower()
        if sent and sent != value:
            raise DeliveryRefused(f"{header} says {sent[:40]!r}, the topic {topic}.", field=header)
    check_shape(payload, expected, topic=topic)
    links = payload.get("_links")
    if isinstance(links, dict):
        for link in links.get("self") or []:
            if isinstance(link, dict) and not same_host(link.get("href"), store.domain):
                raise DeliveryRefused(f"This {topic} body is for another shop.", field="_links")


def customer_reference(topic: str, payload: dict) -> str:
    """The store customer a body is about (see shopify.customer_reference)."""
    resource = topic.partition(".")[0]
    if resource == "customer":
        return text(payload.get("id"))
    if resource == "order":
        if payload.get("customer_id"):
            return text(payload["customer_id"])
        billing = payload.get("billing")
        if isinstance(billing, dict) and billing.get("email"):
            return "guest:" + email(billing.get("email"))
    return ""


def store_lookup(headers, body: bytes = b"") -> dict[str, str] | None:
    source = (headers.get(STORE_HEADER) or "").strip()
    host = urlsplit(source if "//" in source else f"//{source}").hostname
    return {"domain": host.lower()} if host else None


def is_ping(headers, body: bytes) -> bool:
    return not headers.get(SIGNATURE_HEADER) and body.startswith(b"webhook_id=")


def verify(*, store, body: bytes, headers) -> bool:
    return signature_matches(
        secret=store.webhook_secret, body=body, signature=headers.get(SIGNATURE_HEADER)
    )


def read_delivery(headers, payload: Any, body: bytes) -> IncomingDelivery:
    return IncomingDelivery(
        topic=(headers.get(TOPIC_HEADER) or "").strip().lower(),
        event_id=(headers.get(EVENT_HEADER) or "").strip(),
    )


def _gmt(payload: dict, key: str):
    """WooCommerce sends each time twice: shop-local and *_gmt; the GMT one is unambiguous."""
    return when(payload.get(f"{key}_gmt")) or when(payload.get(key))


def normalize_customer(payload: dict) -> NormalizedCustomer:
    addresses = [payload[key] for key in ("billing", "shipping") if payload.get(key)]
    return {
        "external_id": require_id(payload),
        "email": email(payload.get("email")),
        "first_name": text(payload.get("first_name")),
        "last_name": text(payload.get("last_name")),
        "phone": text((payload.get("billing") or {}).get("phone")),
        "addresses": addresses,
        "accepts_marketing": False,  # WooCommerce core keeps no marketing consent
        "updated_at": _gmt(payload, "date_modified"),
    }


# WooCommerce order statuses: https://woocommerce.com/document/managing-orders/
FINANCIAL_STATUSES = {
    "pending": FinancialStatus.PENDING,
    "on-hold": FinancialStatus.PENDING,
    "checkout-draft": FinancialStatus.PENDING,
    "processing": FinancialStatus.PAID,
    "completed": FinancialStatus.PAID,
    "cancelled": FinancialStatus.VOIDED,
    "refunded": FinancialStatus.REFUNDED,
    "failed": FinancialStatus.FAILED,
}


def normalize_order(payload: dict) -> NormalizedOrder:
    if not isinstance(payload, dict):
        raise PayloadError("an order is a JSON object")
    order_id = require_id(payload)
    status = text(payload.get("status")).lower()
    currency = text(payload.get("currency")).upper()
    billing = payload.get("billing") or {}
    buyer_email = email(billing.get("email"))
    customer: NormalizedCustomer | None = None
    if payload.get("customer_id"):
        customer = {
            "external_id": text(payload["customer_id"]),
            "email": buyer_email,
            "first_name": text(billing.get("first_name")),
            "last_name": text(billing.get("last_name")),
            "phone": text(billing.get("phone")),
            "addresses": [billing] if billing else [],
            "accepts_marketing": False,
            # The order's time, not the customer's: the customer payload is authoritative.
            "updated_at": None,
        }
    elif buyer_email:
        customer = {
            "external_id": "guest:" + buyer_email,
            "email": buyer_email,
            "first_name": text(billing.get("first_name")),
            "last_name": text(billing.get("last_name")),
            "phone": text(billing.get("phone")),
            "addresses": [],
            "accepts_marketing": False,
            "updated_at": None,
        }
    lines = []
    subtotal = money(0)
    for item in payload.get("line_items") or []:
        quantity = whole_quantity(item.get("quantity"))
        line_subtotal = money(item.get("subtotal"))
        subtotal += line_subtotal
        lines.append(
            {
                "external_id": require_id(item),
                "product_external_id": text(item.get("product_id") or ""),
                "variant_external_id": text(item.get("variation_id") or ""),
                "sku": text(item.get("sku")),
                "title": text(item.get("name")),
                "quantity": quantity,
                "price": money(item.get("price")),
                "total": line_subtotal,
            }
        )
    refunds: list[NormalizedRefund] = [
        {
            "external_id": require_id(refund),
            "order_external_id": order_id,
            "amount": money(refund.get("total")),  # negative in the payload
            "currency": currency,
            "lines": [],
            "note": text(refund.get("reason")),
            "refunded_at": None,
        }
        for refund in payload.get("refunds") or []
    ]
    modified = _gmt(payload, "date_modified")
    return {
        "external_id": order_id,
        "number": text(payload.get("number") or order_id),
        "customer": customer,
        "email": buyer_email,
        "currency": currency,
        "subtotal": subtotal,
        "discount": money(payload.get("discount_total")),
        "tax": money(payload.get("total_tax")),
        "total": money(payload.get("total")),
        "financial_status": FINANCIAL_STATUSES.get(status, FinancialStatus.UNKNOWN),
        "fulfillment_status": FulfillmentStatus.FULFILLED
        if status == "completed"
        else FulfillmentStatus.UNFULFILLED,
        "cancelled_at": modified if status == "cancelled" else None,
        "placed_at": _gmt(payload, "date_created"),
        "updated_at": modified,
        "billing_address": billing,
        "shipping_address": payload.get("shipping") or {},
        "lines": lines,
        "refunds": refunds,
        "discount_codes": [
            text(coupon.get("code"))
            for coupon in payload.get("coupon_lines") or []
            if isinstance(coupon, dict) and coupon.get("code")
        ],
        # WooCommerce's order attribution (8.5+) stores the visit's entry page as meta.
        "landing_site": next(
            (
                text(meta.get("value"))
                for meta in payload.get("meta_data") or []
                if isinstance(meta, dict)
                and meta.get("key") == "_wc_order_attribution_session_entry"
            ),
            "",
        ),
    }


def normalize_product(payload: dict) -> NormalizedProduct:
    product_id = require_id(payload)
    return {
        "external_id": product_id,
        "title": text(payload.get("name")),
        "handle": text(payload.get("slug")),
        "deleted": text(payload.get("status")) == "trash",
        "updated_at": _gmt(payload, "date_modified"),
        # A simple product is its own (only) variant; variations have their own topics.
        "variants": [
            {
                "external_id": product_id,
                "title": text(payload.get("name")),
                "sku": text(payload.get("sku")),
                "price": money(payload.get("price")),
            }
        ]
        if text(payload.get("type") or "simple") == "simple"
        else [],
    }


def process(*, store, topic: str, payload: dict, delivery) -> str:

    action = TOPICS.get(topic)
    normalize = Normalizers(
        customer=normalize_customer, order=normalize_order, product=normalize_product
    )
    if apply_resource(store=store, action=action, payload=payload, normalize=normalize):
        return action
    return "ignored"
