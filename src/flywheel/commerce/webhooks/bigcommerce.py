"""BigCommerce webhooks: verification, identification and normalisation.

Documented behaviour this follows (BigCommerce "Webhooks overview" and the webhook
callback schema):
- the body is a light notification: {"scope": "store/order/created", "store_id": "1025646",
  "data": {"type": "order", "id": 250}, "hash": "<sha1 of the payload>",
  "created_at": 1561488106, "producer": "stores/{store_hash}"};
- BigCommerce does not sign deliveries; a webhook is created with custom `headers` that
  are sent back with every delivery. Flywheel registers X-Flywheel-Webhook-Secret (the
  store's webhook secret, compared in constant time) and X-Flywheel-Store (the domain);
- the processing task then fetches the full resource through the store adapter
  (`flywheel.commerce.adapters.get_adapter(store).fetch_order(id)` etc.);
- a callback that does not get a 2xx is retried on a growing schedule for up to about 48
  hours, then the webhook is deactivated ("Webhooks overview", callback retry mechanism).

Nothing is signed: the secret header authenticates the sender, and the notification itself
says what it is. `check_delivery` makes sure it names this store (`producer` is
"stores/{hash}" of the connected store, `store_id` present), that `data.type` matches the
scope and `data.id` is an id, and that `created_at` is within REPLAY_HORIZON (required for
the scopes that delete or uninstall). The store is found by the X-Flywheel-Store header, or
by the producer read from the raw bytes: nothing is parsed before the secret is checked.

Resource shapes normalised here: a v2 order (/v2/orders/{id}) with its line items
embedded as `products` (the list /v2/orders/{id}/products returns) and, optionally, its
v3 refunds embedded as `refunds` (/v3/orders/{id}/payment_actions/refunds); a v3 customer;
a v3 catalog product with `variants`.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from flywheel.commerce.models import FinancialStatus, FulfillmentStatus, Platform
from flywheel.commerce.normalized import (
    NormalizedCustomer,
    NormalizedOrder,
    NormalizedProduct,
    NormalizedRefund,
)
from flywheel.commerce.webhooks.common import (
    ZERO,
    DeliveryRefused,
    IncomingDelivery,
    PayloadError,
    check_age,
    check_normalized,
    email,
    money,
    parse_sent_at,
    require_id,
    text,
    when,
    whole_quantity,
)

PLATFORM = Platform.BIGCOMMERCE
SECRET_HEADER = "X-Flywheel-Webhook-Secret"  # noqa: S105 - a header name
STORE_HEADER = "X-Flywheel-Store"
# The secret header is deliberately not kept with the stored delivery.
KEPT_HEADERS = (STORE_HEADER, "X-BC-Webhook-Id")

TOPICS = {
    "store/customer/created": "customer",
    "store/customer/updated": "customer",
    "store/customer/deleted": "customer_deleted",
    "store/order/created": "order",
    "store/order/updated": "order",
    "store/order/statusupdated": "order",
    "store/order/archived": "order",
    "store/order/refund/created": "order",
    "store/product/created": "product",
    "store/product/updated": "product",
    "store/product/deleted": "product_deleted",
    "store/app/uninstalled": "uninstalled",
}


REPLAY_HORIZON = timedelta(hours=48)
DESTRUCTIVE_TOPICS = frozenset(
    {"store/customer/deleted", "store/product/deleted", "store/app/uninstalled"}
)
# The resource a scope is about, as `data.type` names it.
SCOPE_TYPES = {"customer": "customer", "order": "order", "product": "product"}
ID_PATTERN = re.compile(r"^[0-9]{1,19}$")
# Read from the raw bytes, before anything is parsed: only the store lookup needs it.
PRODUCER_PATTERN = re.compile(rb'"producer"\s*:\s*"stores/([A-Za-z0-9]{1,64})"')


def store_lookup(headers, body: bytes = b"") -> dict[str, str] | None:
    domain = (headers.get(STORE_HEADER) or "").strip().lower()
    if domain:
        return {"domain": domain}
    match = PRODUCER_PATTERN.search(body[:4096])
    if match:
        return {"platform_store_id": match.group(1).decode().lower()}
    return None


def check_delivery(*, store, topic: str, payload: dict, headers, now: datetime) -> None:
    """Refuse (DeliveryRefused) a notification for another store, about another kind of
    resource than its scope, or older than REPLAY_HORIZON."""
    producer = text(payload.get("producer")).strip().lower()
    if not producer.startswith("stores/") or (
        store.platform_store_id and producer != f"stores/{store.platform_store_id}"
    ):
        raise DeliveryRefused("This notification is for another store.", field="producer")
    if text(payload.get("store_id")).strip() == "":
        raise DeliveryRefused("The notification names no store_id.", field="store_id")
    data = payload.get("data")
    resource = topic.split("/")[1] if topic.count("/") >= 2 else ""
    if resource in SCOPE_TYPES:
        if not isinstance(data, dict):
            raise DeliveryRefused(f"A {topic} notification carries data.", field="data")
        kind = text(data.get("type")).lower()
        # Sub-scopes (store/order/refund/created) name their parent resource's id.
        if kind and kind != SCOPE_TYPES[resource] and topic.count("/") == 2:
            raise DeliveryRefused(
                f"A {topic} notification is about a {resource}, not a {kind[:40]}.",
                field="data.type",
            )
        resource_id = data.get("id")
        if isinstance(resource_id, bool) or not ID_PATTERN.match(text(resource_id)):
            raise DeliveryRefused(f"data.id is not a {resource} id.", field="data.id")
    check_age(
        parse_sent_at(payload.get("created_at"), field_name="created_at"),
        now=now,
        horizon=REPLAY_HORIZON,
        field_name="created_at",
        required=topic in DESTRUCTIVE_TOPICS,
    )


def customer_reference(topic: str, payload: dict) -> str:
    """Notifications carry no personal data, only the customer's id."""
    data = payload.get("data")
    if topic.startswith("store/customer/") and isinstance(data, dict):
        return text(data.get("id"))
    return ""


def verify(*, store, body: bytes, headers) -> bool:
    import hmac

    given = headers.get(SECRET_HEADER) or ""
    return bool(store.webhook_secret and given) and hmac.compare_digest(
        store.webhook_secret.encode(), given.strip().encode()
    )


def read_delivery(headers, payload: Any, body: bytes) -> IncomingDelivery:
    if not isinstance(payload, dict):
        raise PayloadError("a BigCommerce webhook is a JSON object")
    scope = text(payload.get("scope")).strip().lower()
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    event_id = text(payload.get("hash"))
    if not event_id:
        event_id = f"{scope}:{text(data.get('id'))}:{text(payload.get('created_at'))}"
    return IncomingDelivery(topic=scope, event_id=event_id)


def normalize_customer(payload: dict) -> NormalizedCustomer:
    return {
        "external_id": require_id(payload),
        "email": email(payload.get("email")),
        "first_name": text(payload.get("first_name")),
        "last_name": text(payload.get("last_name")),
        "phone": text(payload.get("phone")),
        "addresses": [a for a in payload.get("addresses") or [] if isinstance(a, dict)],
        "accepts_marketing": bool(payload.get("accepts_product_review_abandoned_cart_emails")),
        "updated_at": when(payload.get("date_modified")),
    }


# v2 order status_id → (financial, fulfilment); see BigCommerce "Order status" reference.
STATUSES = {
    0: (FinancialStatus.PENDING, FulfillmentStatus.UNFULFILLED),  # Incomplete
    1: (FinancialStatus.PENDING, FulfillmentStatus.UNFULFILLED),  # Pending
    2: (FinancialStatus.PAID, FulfillmentStatus.FULFILLED),  # Shipped
    3: (FinancialStatus.PAID, FulfillmentStatus.PARTIAL),  # Partially Shipped
    4: (FinancialStatus.REFUNDED, FulfillmentStatus.UNFULFILLED),  # Refunded
    5: (FinancialStatus.VOIDED, FulfillmentStatus.UNFULFILLED),  # Cancelled
    6: (FinancialStatus.FAILED, FulfillmentStatus.UNFULFILLED),  # Declined
    7: (FinancialStatus.PENDING, FulfillmentStatus.UNFULFILLED),  # Awaiting Payment
    8: (FinancialStatus.PAID, FulfillmentStatus.UNFULFILLED),  # Awaiting Pickup
    9: (FinancialStatus.PAID, FulfillmentStatus.UNFULFILLED),  # Awaiting Shipment
    10: (FinancialStatus.PAID, FulfillmentStatus.FULFILLED),  # Completed
    11: (FinancialStatus.PAID, FulfillmentStatus.UNFULFILLED),  # Awaiting Fulfillment
    12: (FinancialStatus.PENDING, FulfillmentStatus.UNFULFILLED),  # Manual Verification
    13: (FinancialStatus.PAID, FulfillmentStatus.UNFULFILLED),  # Disputed
    14: (FinancialStatus.PARTIALLY_REFUNDED, FulfillmentStatus.UNFULFILLED),
}


def normalize_refund(payload: dict, *, order_external_id: str, currency: str) -> NormalizedRefund:
    lines = [
        {
            "line_external_id": text(item.get("item_id")),
            "quantity": whole_quantity(item.get("quantity")),
            "amount": money(item.get("requested_amount")),
        }
        for item in payload.get("items") or []
        if text(item.get("item_type")).upper() == "PRODUCT"
    ]
    return {
        "external_id": require_id(payload),
        "order_external_id": text(payload.get("order_id") or order_external_id),
        "amount": money(payload.get("total_amount")),
        "currency": currency,
        "lines": lines,
        "note": text(payload.get("reason")),
        "refunded_at": when(payload.get("created")),
    }


def normalize_order(payload: dict) -> NormalizedOrder:
    if not isinstance(payload, dict):
        raise PayloadError("an order is a JSON object")
    order_id = require_id(payload)
    currency = text(payload.get("currency_code") or payload.get("default_currency_code")).upper()
    billing = payload.get("billing_address") or {}
    buyer_email = email(billing.get("email"))
    customer: NormalizedCustomer | None = None
    base = {
        "email": buyer_email,
        "first_name": text(billing.get("first_name")),
        "last_name": text(billing.get("last_name")),
        "phone": text(billing.get("phone")),
        "addresses": [],
        "accepts_marketing": False,
        "updated_at": None,
    }
    if payload.get("customer_id"):
        customer = {"external_id": text(payload["customer_id"]), **base}
    elif buyer_email:
        customer = {"external_id": "guest:" + buyer_email, **base}
    try:
        status_id = int(payload.get("status_id") or 0)
    except (TypeError, ValueError) as error:
        raise PayloadError("status_id is not a number") from error
    financial, fulfillment = STATUSES.get(
        status_id, (FinancialStatus.UNKNOWN, FulfillmentStatus.UNFULFILLED)
    )
    products = payload.get("products")
    lines = []
    for item in products if isinstance(products, list) else []:
        quantity = whole_quantity(item.get("quantity"))
        lines.append(
            {
                "external_id": require_id(item),
                "product_external_id": text(item.get("product_id") or ""),
                "variant_external_id": text(item.get("variant_id") or ""),
                "sku": text(item.get("sku")),
                "title": text(item.get("name")),
                "quantity": quantity,
                "price": money(item.get("price_inc_tax") or item.get("base_price")),
                "total": money(item.get("total_inc_tax") or item.get("base_total")),
            }
        )
    refunds = payload.get("refunds")
    modified = when(payload.get("date_modified"))
    return {
        "external_id": order_id,
        "number": order_id,
        "customer": customer,
        "email": buyer_email,
        "currency": currency,
        "subtotal": money(payload.get("subtotal_inc_tax")),
        "discount": money(payload.get("discount_amount"))
        + money(payload.get("coupon_discount") or ZERO),
        "tax": money(payload.get("total_tax")),
        "total": money(payload.get("total_inc_tax")),
        "financial_status": financial,
        "fulfillment_status": fulfillment,
        "cancelled_at": modified if status_id == 5 else None,
        "placed_at": when(payload.get("date_created")),
        "updated_at": modified,
        "billing_address": billing,
        "shipping_address": {},
        "lines": lines,
        "refunds": [
            normalize_refund(refund, order_external_id=order_id, currency=currency)
            for refund in (refunds if isinstance(refunds, list) else [])
        ],
    }


def normalize_product(payload: dict) -> NormalizedProduct:
    custom_url = payload.get("custom_url") or {}
    return {
        "external_id": require_id(payload),
        "title": text(payload.get("name")),
        "handle": text(custom_url.get("url") if isinstance(custom_url, dict) else ""),
        "deleted": False,
        "updated_at": when(payload.get("date_modified")),
        "variants": [
            {
                "external_id": require_id(variant),
                "title": text(variant.get("sku")),
                "sku": text(variant.get("sku")),
                "price": money(
                    variant.get("calculated_price") or variant.get("price") or payload.get("price")
                ),
            }
            for variant in payload.get("variants") or []
        ],
    }


def process(*, store, topic: str, payload: dict, delivery) -> str:
    """Fetch the resource the notification names and apply it."""
    from flywheel.commerce import services
    from flywheel.commerce.adapters import get_adapter

    action = TOPICS.get(topic)
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    if action is None:
        return "ignored"
    if action == "uninstalled":
        services.deactivate_store(store=store)
        return action
    resource_id = require_id(data)
    if action == "customer_deleted":
        services.mark_customer_deleted(store=store, external_id=resource_id)
    elif action == "product_deleted":
        services.mark_product_deleted(store=store, external_id=resource_id)
    else:
        with get_adapter(store) as adapter:
            if action == "customer":
                data = normalize_customer(adapter.fetch_customer(resource_id))
                services.upsert_customer(store=store, data=check_normalized("customer", data))
            elif action == "order":
                data = normalize_order(adapter.fetch_order(resource_id))
                services.upsert_order(store=store, data=check_normalized("order", data))
            elif action == "product":
                data = normalize_product(adapter.fetch_product(resource_id))
                services.upsert_product(store=store, data=check_normalized("product", data))
    return action
