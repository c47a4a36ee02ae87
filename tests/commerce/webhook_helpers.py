"""Signed deliveries in each platform's documented format, posted to the real endpoints."""

import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flywheel.commerce.services import connect_store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "commerce"
SECRET = "whsec_test_0123456789"
DOMAINS = {
    "shopify": "trail-gear.myshopify.com",
    "woocommerce": "shop.example.it",
    "bigcommerce": "store-abc123.mybigcommerce.com",
}
SHOPIFY_TOPICS = {
    "orders_create": "orders/create",
    "orders_updated": "orders/updated",
    "orders_cancelled": "orders/cancelled",
    "orders_create_pending": "orders/create",
    "orders_create_test": "orders/create",
    "orders_paid": "orders/paid",
    "orders_updated_voided": "orders/updated",
    "refunds_create": "refunds/create",
    "refunds_create_full": "refunds/create",
    "customers_create": "customers/create",
    "customers_delete": "customers/delete",
    "products_create": "products/create",
    "products_delete": "products/delete",
    "customers_redact": "customers/redact",
    "shop_redact": "shop/redact",
    "customers_data_request": "customers/data_request",
    "app_uninstalled": "app/uninstalled",
}


def load(platform: str, name: str) -> dict:
    payload = json.loads((FIXTURES / platform / f"{name}.json").read_text())
    if platform == "bigcommerce" and "created_at" in payload:
        # A notification says when it was sent; one from 2024 is refused as a replay.
        payload["created_at"] = int(time.time())
    return payload


def triggered_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_store(platform: str, **fields):
    store, _created = connect_store(
        platform=platform, domain=DOMAINS[platform], webhook_secret=SECRET, **fields
    )
    return store


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def shopify_headers(body: bytes, topic: str, *, event_id=None, secret=SECRET, domain=None):
    return {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": domain or DOMAINS["shopify"],
        "HTTP_X_SHOPIFY_HMAC_SHA256": sign(body, secret),
        "HTTP_X_SHOPIFY_EVENT_ID": event_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_WEBHOOK_ID": str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_API_VERSION": "2024-04",
        "HTTP_X_SHOPIFY_TRIGGERED_AT": triggered_now(),
    }


def woocommerce_headers(body: bytes, topic: str, *, delivery_id=None, secret=SECRET):
    resource, event = topic.split(".")
    return {
        "HTTP_X_WC_WEBHOOK_SOURCE": f"https://{DOMAINS['woocommerce']}/",
        "HTTP_X_WC_WEBHOOK_TOPIC": topic,
        "HTTP_X_WC_WEBHOOK_RESOURCE": resource,
        "HTTP_X_WC_WEBHOOK_EVENT": event,
        "HTTP_X_WC_WEBHOOK_SIGNATURE": sign(body, secret),
        "HTTP_X_WC_WEBHOOK_ID": "3",
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": delivery_id or uuid.uuid4().hex,
    }


def bigcommerce_headers(*, secret=SECRET):
    return {"HTTP_X_FLYWHEEL_WEBHOOK_SECRET": secret}


def post(client, platform: str, payload, headers: dict, *, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        f"/webhooks/{platform}/", data=body, content_type="application/json", **headers
    )


def post_shopify(client, name: str, *, payload=None, event_id=None, secret=SECRET, **changes):
    payload = copy.deepcopy(payload if payload is not None else load("shopify", name))
    payload.update(changes)
    body = json.dumps(payload).encode()
    headers = shopify_headers(body, SHOPIFY_TOPICS[name], event_id=event_id, secret=secret)
    return post(client, "shopify", payload, headers, raw=body)


def post_woocommerce(client, name: str, topic: str, *, payload=None, delivery_id=None, **changes):
    payload = copy.deepcopy(payload if payload is not None else load("woocommerce", name))
    payload.update(changes)
    body = json.dumps(payload).encode()
    return post(
        client,
        "woocommerce",
        payload,
        woocommerce_headers(body, topic, delivery_id=delivery_id),
        raw=body,
    )
