"""Hostile bytes in a correctly signed delivery, through the real endpoints: a 4xx, or one
trip to the dead-letter list; never a 500 and never a retry storm. Run on SQLite and on
PostgreSQL (numeric overflow and NUL characters fail differently there)."""

import copy
import json

import pytest

from flywheel.commerce.models import DeliveryStatus, Order, WebhookDelivery
from tests.commerce.webhook_helpers import (
    load,
    make_store,
    post,
    shopify_headers,
    woocommerce_headers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_store("shopify")


def signed(client, body: bytes, topic: str = "orders/create"):
    return post(client, "shopify", None, shopify_headers(body, topic), raw=body)


def order(**changes) -> dict:
    payload = copy.deepcopy(load("shopify", "orders_create"))
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (json.dumps(order()).encode("utf-16"), "not_utf8"),
        (json.dumps(order()).encode("utf-32"), "not_utf8"),
        (b'{"id": "\xff\xfe broken"}', "not_utf8"),
        (b"\xef\xbb\xbf" + json.dumps(order()).encode(), "malformed_json"),  # a BOM
        (b"[" * 200_000 + b"]" * 200_000, "too_deep"),  # past the parser's recursion limit
        (json.dumps(order(note=json.loads("[" * 40 + "]" * 40))).encode(), "too_deep"),
        (json.dumps(order(note="\ud800 lone")).encode(), "invalid_text"),
        (b'{"id": 1, "line_items": [], "\\udfff": 1}', "invalid_text"),
        (json.dumps(order(note="nul \u0000 here")).encode(), "invalid_text"),
        (b"NaN", "malformed_json"),
        (b"", "malformed_json"),
    ],
)
def test_a_signed_body_no_database_can_hold_is_a_400(client, shop, body, code):
    response = signed(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"total_price": "1e30"},
        {"total_price": 1e308},
        {"total_price": "Infinity"},
        {"subtotal_price": "not money"},
        {"line_items": [{"id": 1, "quantity": "abc", "price": "1.00"}]},
        {"line_items": [{"id": 1, "quantity": 2**40, "price": "1.00"}]},
        {"line_items": [{"id": 1, "quantity": -3, "price": "1.00"}]},
        {"line_items": [{"id": 1, "quantity": 1.5, "price": "1.00"}]},
        {"line_items": [{"id": 1, "quantity": 1, "price": "99999999999.99"}]},
        {"line_items": ["not an object"]},
        {"line_items": [{"id": "9" * 150, "quantity": 1, "price": "1.00"}]},
        {"id": "1" * 150},
        {"customer": {"id": "7" * 120, "email": "x@example.com"}},
        {"updated_at": "2024-13-45T99:99:99Z"},
        {"processed_at": 10**30},
        {"refunds": [{"id": 5, "transactions": [{"kind": "refund", "amount": "1e20"}]}]},
    ],
)
def test_a_value_the_columns_cannot_hold_is_dead_lettered_once(client, shop, changes):
    response = signed(client, json.dumps(order(**changes)).encode())

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD, delivery.last_error
    assert delivery.attempts == 1
    assert delivery.last_error
    assert not Order.objects.exists()


def test_an_id_beyond_bigint_is_kept_as_text(client, shop):
    big = 10**30
    response = signed(client, json.dumps(order(id=big)).encode())

    assert response.status_code == 200
    assert Order.objects.get().external_id == str(big)


def test_a_woocommerce_quantity_that_is_not_a_number_is_dead_lettered_once(client):
    make_store("woocommerce")
    payload = load("woocommerce", "order_created")
    payload["line_items"][0]["quantity"] = "lots"
    body = json.dumps(payload).encode()

    response = post(
        client, "woocommerce", None, woocommerce_headers(body, "order.created"), raw=body
    )

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 1)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_SHOPIFY_TOPIC": "orders/create\u0000"},
        {"HTTP_X_SHOPIFY_EVENT_ID": "evt\u0000nul"},
        {"HTTP_X_SHOPIFY_EVENT_ID": "é" * 10},
        {"HTTP_X_SHOPIFY_SHOP_DOMAIN": "trail-gear.myshopify.com\u0000"},
        {"HTTP_X_SHOPIFY_SHOP_DOMAIN": "x" * 5000},
        {"HTTP_X_SHOPIFY_TRIGGERED_AT": "\u0000"},
        {"HTTP_X_SHOPIFY_TRIGGERED_AT": "99999999999999999999"},
    ],
)
def test_hostile_headers_are_a_4xx(client, shop, headers):
    body = json.dumps(order()).encode()

    response = post(
        client, "shopify", None, {**shopify_headers(body, "orders/create"), **headers}, raw=body
    )

    assert 400 <= response.status_code < 500
    assert not WebhookDelivery.objects.exists()
