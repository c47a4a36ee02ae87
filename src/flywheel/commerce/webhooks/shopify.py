"""Shopify webhooks: verification, identification and normalisation.

Documented behaviour this follows (shopify.dev, "Webhooks delivery structure" and
"Verify webhook deliveries"):
- every delivery is a POST of the topic's REST resource as JSON;
- X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app client secret, raw body));
- X-Shopify-Shop-Domain names the shop, X-Shopify-Topic the topic;
- X-Shopify-Event-Id is the same on every delivery of one event (the dedupe key; the
  X-Shopify-Webhook-Id differs per subscription and is not used for that);
- X-Shopify-Triggered-At is when the event fired; a failed delivery is retried with its
  original payload 8 times over 4 hours (shopify.dev changelog "Updates to webhook retry
  mechanism", 2024-09-10; before that, 19 times over 48 hours).

Only the body is signed: the topic, shop and time headers are not. So before a delivery is
stored, `check_delivery` makes sure the body has the shape of the topic the header names
(a signed orders/create body sent again as customers/redact is refused), that GDPR bodies
name this shop (`shop_domain`, `shop_id`), and that it is not older than REPLAY_HORIZON.
Shopify REST order JSON is the same as the webhook's, so the back-fill reuses these
normalisers.
"""

import hashlib
from datetime import datetime, timedelta
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
    DeliveryRefused,
    IncomingDelivery,
    Normalizers,
    PayloadError,
    apply_resource,
    check_age,
    check_normalized,
    check_shape,
    email,
    money,
    parse_sent_at,
    require_id,
    shape,
    signature_matches,
    text,
    when,
    whole_quantity,
)

PLATFORM = Platform.SHOPIFY
SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256"
STORE_HEADER = "X-Shopify-Shop-Domain"
TOPIC_HEADER = "X-Shopify-Topic"
EVENT_HEADER = "X-Shopify-Event-Id"
TRIGGERED_HEADER = "X-Shopify-Triggered-At"
# Headers kept with the stored delivery (for support and replay); none of them is secret.
# The signature is not kept: it was checked on arrival and would only help someone who
# reads the inbox forge a replay.
KEPT_HEADERS = (
    TOPIC_HEADER,
    STORE_HEADER,
    EVENT_HEADER,
    "X-Shopify-Webhook-Id",
    TRIGGERED_HEADER,
    "X-Shopify-API-Version",
)
# Shopify's retry window is 4 hours today; 48 hours (its former window) leaves room for
# deliveries queued before a change and for our own downtime, and is still far short of
# the inbox retention, so a replay past it cannot slip in after its first copy is pruned.
REPLAY_HORIZON = timedelta(hours=48)

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


# Topics that erase or switch off something: their bodies must match exactly, and they must
# say when they were sent.
DESTRUCTIVE_TOPICS = frozenset(
    {"customers/redact", "shop/redact", "customers/delete", "products/delete", "app/uninstalled"}
)

# Keys only an order, a product, a refund or a GDPR request carry (Shopify REST resources).
ORDER_KEYS = {"line_items", "order_number", "financial_status", "total_price", "checkout_id"}
PRODUCT_KEYS = {"variants", "vendor", "product_type", "body_html", "handle"}
REFUND_KEYS = {"refund_line_items", "order_adjustments", "order_id", "transactions"}
CUSTOMER_KEYS = {"orders_count", "total_spent", "first_name", "last_name", "state"}
GDPR_KEYS = {"shop_id", "shop_domain", "orders_to_redact", "orders_requested", "data_request"}
SHOP_KEYS = {"myshopify_domain", "plan_name", "shop_owner"}

ORDER_SHAPE = shape(
    required={"id", "line_items"},
    forbidden=PRODUCT_KEYS | {"refund_line_items"} | GDPR_KEYS | SHOP_KEYS,
    gid="Order",
)
CUSTOMER_SHAPE = shape(
    required={"id"},
    forbidden=ORDER_KEYS | PRODUCT_KEYS | REFUND_KEYS | GDPR_KEYS | SHOP_KEYS,
    gid="Customer",
)
SHAPES = {
    **{topic: ORDER_SHAPE for topic, action in TOPICS.items() if action == "order"},
    "customers/create": CUSTOMER_SHAPE,
    "customers/update": CUSTOMER_SHAPE,
    # Shopify's documented body: id, phone, addresses, tax_exemptions,
    # email_marketing_consent, admin_graphql_api_id (and sms consent on newer versions).
    "customers/delete": shape(
        required={"id", "admin_graphql_api_id"},
        only={
            "id",
            "phone",
            "addresses",
            "tax_exemptions",
            "email_marketing_consent",
            "sms_marketing_consent",
            "admin_graphql_api_id",
        },
        gid="Customer",
    ),
    "refunds/create": shape(
        required={"id", "order_id"},
        forbidden=ORDER_KEYS - {"order_id"} | PRODUCT_KEYS | GDPR_KEYS | CUSTOMER_KEYS,
        gid="Refund",
    ),
    "products/create": shape(
        required={"id", "variants"},
        forbidden=ORDER_KEYS | REFUND_KEYS | GDPR_KEYS | CUSTOMER_KEYS - {"state"},
        gid="Product",
    ),
    "products/update": shape(
        required={"id", "variants"},
        forbidden=ORDER_KEYS | REFUND_KEYS | GDPR_KEYS | CUSTOMER_KEYS - {"state"},
        gid="Product",
    ),
    "products/delete": shape(required={"id"}, only={"id"}),
    # The shop resource.
    "app/uninstalled": shape(
        required={"id", "myshopify_domain"},
        forbidden=ORDER_KEYS | PRODUCT_KEYS | REFUND_KEYS | GDPR_KEYS,
    ),
    # The mandatory compliance topics (shopify.dev "Privacy law compliance").
    "customers/data_request": shape(
        required={"shop_id", "shop_domain", "customer"},
        only={"shop_id", "shop_domain", "customer", "orders_requested", "data_request"},
    ),
    "customers/redact": shape(
        required={"shop_id", "shop_domain", "customer"},
        only={"shop_id", "shop_domain", "customer", "orders_to_redact"},
    ),
    "shop/redact": shape(required={"shop_id", "shop_domain"}, only={"shop_id", "shop_domain"}),
}


def check_delivery(*, store, topic: str, payload: dict, headers, now: datetime) -> None:
    """Refuse (DeliveryRefused) a verified body that is not the named topic's, does not name
    this shop, or is older than REPLAY_HORIZON."""
    expected = SHAPES.get(topic)
    if expected is None:
        return
    check_shape(payload, expected, topic=topic)
    if "shop_domain" in expected.required:
        _check_names_shop(store, payload, topic=topic)
    if topic == "app/uninstalled" and text(payload.get("myshopify_domain")).lower() != (
        store.domain
    ):
        raise DeliveryRefused(f"This {topic} body is for another shop.", field="myshopify_domain")
    if topic in ("customers/redact", "customers/data_request"):
        customer = payload.get("customer")
        if not isinstance(customer, dict) or customer.get("id") in (None, ""):
            raise DeliveryRefused(f"A {topic} body names the customer's id.", field="customer")
        orders = payload.get("orders_to_redact", payload.get("orders_requested", []))
        if not isinstance(orders, list):
            raise DeliveryRefused(f"A {topic} body lists orders.", field="orders_to_redact")
    check_age(
        parse_sent_at(headers.get(TRIGGERED_HEADER), field_name=TRIGGERED_HEADER),
        now=now,
        horizon=REPLAY_HORIZON,
        field_name=TRIGGERED_HEADER,
        required=topic in DESTRUCTIVE_TOPICS,
    )


def _check_names_shop(store, payload: dict, *, topic: str) -> None:
    if text(payload.get("shop_domain")).strip().lower() != store.domain:
        raise DeliveryRefused(f"This {topic} body is for another shop.", field="shop_domain")
    shop_id = payload.get("shop_id")
    if isinstance(shop_id, bool) or not isinstance(shop_id, int | str) or not text(shop_id):
        raise DeliveryRefused(f"A {topic} body names the shop's id.", field="shop_id")
    if store.platform_store_id and text(shop_id) != store.platform_store_id:
        raise DeliveryRefused(f"This {topic} body is for another shop.", field="shop_id")


def customer_reference(topic: str, payload: dict) -> str:
    """The store customer a body is about (its external id), kept on the inbox row so an
    erasure finds the raw bodies that hold their personal data with one indexed query."""
    action = TOPICS.get(topic)
    if action in ("customer", "customer_deleted"):
        return text(payload.get("id"))
    if action in ("customer_redact", "data_request"):
        customer = payload.get("customer")
        return text(customer.get("id")) if isinstance(customer, dict) else ""
    if action == "order":
        customer = payload.get("customer")
        if isinstance(customer, dict) and customer.get("id"):
            return text(customer["id"])
        if payload.get("email"):
            return "guest:" + email(payload.get("email"))
    return ""


def store_lookup(headers, body: bytes = b"") -> dict[str, str] | None:
    domain = (headers.get(STORE_HEADER) or "").strip().lower()
    return {"domain": domain} if domain else None


def verify(*, store, body: bytes, headers) -> bool:
    return signature_matches(
        secret=store.webhook_secret, body=body, signature=headers.get(SIGNATURE_HEADER)
    )


def read_delivery(headers, payload: Any, body: bytes) -> IncomingDelivery:
    topic = (headers.get(TOPIC_HEADER) or "").strip().lower()
    event_id = (headers.get(EVENT_HEADER) or "").strip()
    if topic in DESTRUCTIVE_TOPICS:
        # The event id header is not signed: keyed by the body, the same erasure sent again
        # under a fresh id is a duplicate while its first copy is in the inbox.
        event_id = ""
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
    quantity = whole_quantity(payload.get("quantity"))
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
            "quantity": whole_quantity(item.get("quantity")),
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
        check_normalized("customer", {"external_id": require_id(customer)})
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
