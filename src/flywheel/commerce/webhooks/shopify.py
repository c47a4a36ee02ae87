"""Shopify webhooks: verification, identification and normalisation.

Documented behaviour this follows (shopify.dev, "Webhooks delivery structure" and
"Verify webhook deliveries"):
- every delivery is a POST of the topic's REST resource as JSON;
- X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app client secret, raw body));
- X-Shopify-Shop-Domain names the shop, X-Shopify-Topic the topic;
- X-Shopify-Event-Id is the same on every delivery of one event (the dedupe key; the
  X-Shopify-Webhook-Id differs per subscription and is not used for that).
Shopify REST order JSON is the same as the webhook's, so the back-fill reuses these
normalisers.
"""

import hashlib
from typing import Any

from flywheel.commerce.models import FinancialStatus, FulfillmentStatus, Platform
from flywheel.commerce.normalized import (
    NormalizedCustomer,
    NormalizedLine,
    NormalizedOrder,
    NormalizedProduct,
    NormalizedRefund,
)
from flywheel.commerce.webhooks.common import (
    ZERO,
    IncomingDelivery,
    Normalizers,
    PayloadError,
    apply_resource,
    email,
    money,
    require_id,
    signature_matches,
    text,
    when,
)

PLATFORM = Platform.SHOPIFY
SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256"
STORE_HEADER = "X-Shopify-Shop-Domain"
TOPIC_HEADER = "X-Shopify-Topic"
EVENT_HEADER = "X-Shopify-Event-Id"
# Headers kept with the stored delivery (for support and replay); none of them is secret.
KEPT_HEADERS = (
    TOPIC_HEADER,
    STORE_HEADER,
    EVENT_HEADER,
    "X-Shopify-Webhook-Id",
    "X-Shopify-Triggered-At",
    "X-Shopify-API-Version",
    SIGNATURE_HEADER,
)

TOPICS = {
    "customers/create": "customer",
    "customers/update": "customer",
    "customers/delete": "customer_deleted",
    "orders/create": "order",
    "orders/paid": "order",
    "orders/updated": "order",
    "orders/cancelled": "order",
    "orders/fulfilled": "order",
    "orders/partially_fulfilled": "order",
    "refunds/create": "refund",
    "products/create": "product",
    "products/update": "product",
    "products/delete": "product_deleted",
    "app/uninstalled": "uninstalled",
    "customers/data_request": "data_request",
    "customers/redact": "customer_redact",
    "shop/redact": "shop_redact",
}


def store_lookup(headers, payload: Any | None = None) -> dict[str, str] | None:
    domain = (headers.get(STORE_HEADER) or "").strip().lower()
    return {"domain": domain} if domain else None


def verify(*, store, body: bytes, headers) -> bool:
    return signature_matches(
        secret=store.webhook_secret, body=body, signature=headers.get(SIGNATURE_HEADER)
    )


def read_delivery(headers, payload: Any, body: bytes) -> IncomingDelivery:
    topic = (headers.get(TOPIC_HEADER) or "").strip().lower()
    event_id = (headers.get(EVENT_HEADER) or "").strip()
    if not event_id:
        # Older API versions send no event id: a redelivery repeats the same body.
        event_id = "sha256:" + hashlib.sha256(topic.encode() + b"\n" + body).hexdigest()
    return IncomingDelivery(topic=topic, event_id=event_id)


def _consent(customer: dict) -> bool:
    consent = customer.get("email_marketing_consent")
    if isinstance(consent, dict):
        return consent.get("state") == "subscribed"
    return bool(customer.get("accepts_marketing"))


def normalize_customer(payload: dict) -> NormalizedCustomer:
    addresses = payload.get("addresses") or []
    if not addresses and isinstance(payload.get("default_address"), dict):
        addresses = [payload["default_address"]]
    return {
        "external_id": require_id(payload),
        "email": email(payload.get("email")),
        "first_name": text(payload.get("first_name")),
        "last_name": text(payload.get("last_name")),
        "phone": text(payload.get("phone")),
        "addresses": [address for address in addresses if isinstance(address, dict)],
        "accepts_marketing": _consent(payload),
        "updated_at": when(payload.get("updated_at")),
    }


FINANCIAL_STATUSES = {value for value in FinancialStatus.values}
FULFILLMENT_STATUSES = {
    None: FulfillmentStatus.UNFULFILLED,
    "": FulfillmentStatus.UNFULFILLED,
    "unfulfilled": FulfillmentStatus.UNFULFILLED,
    "partial": FulfillmentStatus.PARTIAL,
    "fulfilled": FulfillmentStatus.FULFILLED,
    "restocked": FulfillmentStatus.RESTOCKED,
}


def _line(payload: dict) -> NormalizedLine:
    quantity = int(payload.get("quantity") or 0)
    price = money(payload.get("price"))
    return {
        "external_id": require_id(payload),
        "product_external_id": text(payload.get("product_id")),
        "variant_external_id": text(payload.get("variant_id")),
        "sku": text(payload.get("sku")),
        "title": text(payload.get("title") or payload.get("name")),
        "quantity": quantity,
        "price": price,
        "total": price * quantity,
    }


def normalize_refund(payload: dict, *, currency: str = "") -> NormalizedRefund:
    """A Shopify refund (refunds/create, or one of an order's `refunds`)."""
    transactions = [
        t
        for t in payload.get("transactions") or []
        if t.get("kind") == "refund" and t.get("status") in (None, "success")
    ]
    lines = [
        {
            "line_external_id": text(item.get("line_item_id")),
            "quantity": int(item.get("quantity") or 0),
            "amount": money(item.get("subtotal")) + money(item.get("total_tax")),
        }
        for item in payload.get("refund_line_items") or []
    ]
    if transactions:
        amount = sum((money(t.get("amount")) for t in transactions), ZERO)
        currency = currency or text(transactions[0].get("currency"))
    else:
        amount = sum((line["amount"] for line in lines), ZERO)
    return {
        "external_id": require_id(payload),
        "order_external_id": require_id(payload, "order_id"),
        "amount": amount,
        "currency": currency.upper(),
        "lines": lines,
        "note": text(payload.get("note")),
        "refunded_at": when(payload.get("processed_at") or payload.get("created_at")),
    }


def normalize_order(payload: dict) -> NormalizedOrder:
    if not isinstance(payload, dict):
        raise PayloadError("an order is a JSON object")
    currency = text(payload.get("currency")).upper()
    customer = None
    if isinstance(payload.get("customer"), dict) and payload["customer"].get("id"):
        customer = normalize_customer(payload["customer"])
    elif payload.get("email"):
        customer = _guest(payload)
    financial = text(payload.get("financial_status")).lower()
    order_id = require_id(payload)
    refunds = [
        normalize_refund({"order_id": order_id, **refund}, currency=currency)
        for refund in payload.get("refunds") or []
    ]
    return {
        "external_id": order_id,
        "number": text(payload.get("name") or payload.get("order_number")),
        "customer": customer,
        "email": email(payload.get("email") or payload.get("contact_email")),
        "currency": currency,
        "subtotal": money(payload.get("subtotal_price")),
        "discount": money(payload.get("total_discounts")),
        "tax": money(payload.get("total_tax")),
        "total": money(payload.get("total_price")),
        "financial_status": financial if financial in FINANCIAL_STATUSES else "unknown",
        "fulfillment_status": FULFILLMENT_STATUSES.get(
            payload.get("fulfillment_status"), FulfillmentStatus.UNFULFILLED
        ),
        "cancelled_at": when(payload.get("cancelled_at")),
        "test": payload.get("test") is True,
        "placed_at": when(payload.get("processed_at") or payload.get("created_at")),
        "updated_at": when(payload.get("updated_at")),
        "billing_address": payload.get("billing_address") or {},
        "shipping_address": payload.get("shipping_address") or {},
        "lines": [_line(line) for line in payload.get("line_items") or []],
        "refunds": refunds,
        "discount_codes": [
            text(code.get("code"))
            for code in payload.get("discount_codes") or []
            if isinstance(code, dict) and code.get("code")
        ],
        "landing_site": text(payload.get("landing_site")),
    }


def _guest(payload: dict) -> NormalizedCustomer:
    address = payload.get("billing_address") or {}
    return {
        "external_id": "guest:" + email(payload.get("email")),
        "email": email(payload.get("email")),
        "first_name": text(address.get("first_name")),
        "last_name": text(address.get("last_name")),
        "phone": text(payload.get("phone")),
        "addresses": [],
        "accepts_marketing": bool(payload.get("buyer_accepts_marketing")),
        "updated_at": None,
    }


def normalize_product(payload: dict) -> NormalizedProduct:
    return {
        "external_id": require_id(payload),
        "title": text(payload.get("title")),
        "handle": text(payload.get("handle")),
        "deleted": False,
        "updated_at": when(payload.get("updated_at")),
        "variants": [
            {
                "external_id": require_id(variant),
                "title": text(variant.get("title")),
                "sku": text(variant.get("sku")),
                "price": money(variant.get("price")),
            }
            for variant in payload.get("variants") or []
        ],
    }


def process(*, store, topic: str, payload: dict, delivery) -> str:
    """Apply one verified delivery; returns what was done (for the delivery record)."""
    from flywheel.commerce import services

    action = TOPICS.get(topic)
    normalize = Normalizers(
        customer=normalize_customer,
        order=normalize_order,
        product=normalize_product,
        refund=normalize_refund,
    )
    if apply_resource(store=store, action=action, payload=payload, normalize=normalize):
        return action
    if action == "uninstalled":
        services.deactivate_store(store=store)
    elif action == "data_request":
        customer = payload.get("customer") or {}
        services.record_data_request(
            store=store,
            customer_external_id=text(customer.get("id")),
            email=email(customer.get("email")),
            delivery=delivery,
        )
    elif action == "customer_redact":
        customer = payload.get("customer") or {}
        services.redact_customer(
            store=store,
            customer_external_id=require_id(customer),
            order_external_ids=[text(i) for i in payload.get("orders_to_redact") or []],
            email=email(customer.get("email")),
            delivery=delivery,
        )
    elif action == "shop_redact":
        services.redact_store(store=store, delivery=delivery)
    else:
        return "ignored"
    return action
