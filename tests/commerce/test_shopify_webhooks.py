"""Contract tests: recorded Shopify deliveries against the real /webhooks/shopify/ endpoint."""

import json
import logging
from decimal import Decimal

import pytest

from flywheel.commerce.models import (
    Customer,
    DeliveryStatus,
    FinancialStatus,
    FulfillmentStatus,
    Order,
    OrderLine,
    Product,
    WebhookDelivery,
)
from tests.commerce.webhook_helpers import (
    SECRET,
    load,
    make_store,
    post,
    post_shopify,
    shopify_headers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return make_store("shopify")


def test_a_signed_order_is_stored_acknowledged_and_processed(client, store):
    response = post_shopify(client, "orders_create", event_id="evt-1")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_id == "evt-1"
    assert delivery.topic == "orders/create"
    assert delivery.status == DeliveryStatus.PROCESSED
    order = Order.objects.get()
    assert order.number == "#1001"
    assert order.total == Decimal("204.92")
    assert order.subtotal == Decimal("199.00")
    assert order.discount == Decimal("10.00")
    assert order.tax == Decimal("15.92")
    assert order.currency == "USD"
    assert order.financial_status == FinancialStatus.PAID
    assert order.fulfillment_status == FulfillmentStatus.UNFULFILLED
    assert order.email == "jon@example.com"
    assert order.customer.external_id == "115310627314723954"
    assert order.customer.accepts_marketing is True
    assert order.lines.count() == 2
    assert sorted(order.lines.values_list("quantity", flat=True)) == [1, 2]


def test_the_stored_headers_keep_no_secret_and_the_raw_body_is_kept(client, store):
    post_shopify(client, "orders_create")

    delivery = WebhookDelivery.objects.get()
    assert json.loads(delivery.body)["id"] == load("shopify", "orders_create")["id"]
    assert delivery.headers["X-Shopify-Topic"] == "orders/create"
    assert SECRET not in json.dumps(delivery.headers)


def test_a_wrong_signature_is_refused_and_nothing_is_stored(client, store, caplog):
    with caplog.at_level(logging.WARNING, logger="flywheel.security"):
        response = post_shopify(client, "orders_create", secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert WebhookDelivery.objects.count() == 0
    assert Order.objects.count() == 0
    assert any("bad signature" in record.message for record in caplog.records)


def test_a_missing_signature_is_refused(client, store):
    body = json.dumps(load("shopify", "orders_create")).encode()
    headers = shopify_headers(body, "orders/create")
    del headers["HTTP_X_SHOPIFY_HMAC_SHA256"]

    assert post(client, "shopify", None, headers, raw=body).status_code == 401
    assert WebhookDelivery.objects.count() == 0


def test_a_body_signed_then_altered_is_refused(client, store):
    body = json.dumps(load("shopify", "orders_create")).encode()
    headers = shopify_headers(body, "orders/create")
    tampered = body.replace(b'"204.92"', b'"0.01"')

    assert post(client, "shopify", None, headers, raw=tampered).status_code == 401
    assert Order.objects.count() == 0


def test_an_unknown_shop_is_not_found(client, store, caplog):
    body = json.dumps(load("shopify", "orders_create")).encode()
    headers = shopify_headers(body, "orders/create", domain="someone-else.myshopify.com")

    with caplog.at_level(logging.WARNING, logger="flywheel.security"):
        response = post(client, "shopify", None, headers, raw=body)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_shop"
    assert WebhookDelivery.objects.count() == 0
    assert any("unknown shop" in record.message for record in caplog.records)


def test_malformed_json_with_a_good_signature_is_a_clear_400(client, store):
    body = b'{"id": 1, "total_price": '
    response = post(client, "shopify", None, shopify_headers(body, "orders/create"), raw=body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert WebhookDelivery.objects.count() == 0


def test_a_json_array_is_refused_as_malformed(client, store):
    body = b"[1, 2]"
    response = post(client, "shopify", None, shopify_headers(body, "orders/create"), raw=body)

    assert response.status_code == 400
    assert WebhookDelivery.objects.count() == 0


def test_a_body_over_the_limit_is_413(client, store, settings):
    settings.FLYWHEEL_WEBHOOK_MAX_BYTES = 1000
    payload = load("shopify", "orders_create")
    payload["note"] = "x" * 2000
    body = json.dumps(payload).encode()

    response = post(client, "shopify", None, shopify_headers(body, "orders/create"), raw=body)

    assert response.status_code == 413
    assert WebhookDelivery.objects.count() == 0


def test_get_is_not_allowed(client, store):
    assert client.get("/webhooks/shopify/").status_code == 405


def test_an_unknown_topic_is_recorded_and_answered_200_ignored(client, store):
    body = json.dumps({"id": 1}).encode()
    response = post(client, "shopify", None, shopify_headers(body, "carts/update"), raw=body)

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.IGNORED


def test_the_same_event_delivered_three_times_makes_one_order(client, store):
    answers = [
        post_shopify(client, "orders_create", event_id="evt-same").json()["status"]
        for _ in range(3)
    ]

    assert answers == ["accepted", "duplicate", "duplicate"]
    assert WebhookDelivery.objects.count() == 1
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2


def test_the_same_order_under_different_event_ids_is_still_one_order(client, store):
    for event_id in ("a", "b", "c"):
        post_shopify(client, "orders_create", event_id=event_id)

    assert WebhookDelivery.objects.count() == 3
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2


def test_an_update_before_its_create_ends_in_the_newest_state(client, store):
    post_shopify(client, "orders_updated")
    post_shopify(client, "orders_create")

    order = Order.objects.get()
    assert order.fulfillment_status == FulfillmentStatus.FULFILLED
    assert order.platform_updated_at.isoformat() == "2024-05-03T12:00:00+00:00"


def test_an_older_update_never_overwrites_a_newer_one(client, store):
    post_shopify(client, "orders_cancelled")
    post_shopify(client, "orders_updated")
    post_shopify(client, "orders_create")

    order = Order.objects.get()
    assert order.cancelled_at is not None
    assert order.financial_status == FinancialStatus.VOIDED


def test_a_refund_before_its_order_ends_in_the_exact_state(client, store):
    post_shopify(client, "refunds_create")
    assert Order.objects.count() == 0

    post_shopify(client, "orders_create")

    order = Order.objects.get()
    assert order.refunded_total == Decimal("21.60")
    assert order.financial_status == FinancialStatus.PARTIALLY_REFUNDED
    stakes = order.lines.get(sku="STAKES-8")
    assert stakes.refunded_quantity == 2
    assert order.lines.get(sku="TENT-2P").refunded_quantity == 0


def test_a_refund_after_its_order_gives_the_same_state(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "refunds_create")
    post_shopify(client, "refunds_create")  # a different event id: still one refund

    order = Order.objects.get()
    assert order.refunds.count() == 1
    assert order.refunded_total == Decimal("21.60")
    assert order.lines.get(sku="STAKES-8").refunded_quantity == 2


def test_a_full_refund_marks_the_order_refunded(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "refunds_create_full")

    order = Order.objects.get()
    assert order.refunded_total == order.total
    assert order.financial_status == FinancialStatus.REFUNDED


def test_a_product_arriving_after_its_order_is_connected_to_the_lines(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "products_create")

    product = Product.objects.get()
    assert product.title == "Trail Tent 2P"
    assert product.variants.count() == 2
    line = OrderLine.objects.get(sku="TENT-2P")
    assert line.product == product
    assert line.variant.external_id == "808950810"


def test_a_deleted_product_is_kept_and_marked_deleted(client, store):
    post_shopify(client, "products_create")
    post_shopify(client, "products_delete")

    assert Product.objects.get().deleted is True


def test_a_deleted_customer_is_kept_for_its_orders(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "customers_delete")

    customer = Customer.objects.get()
    assert customer.deleted_at is not None
    assert Order.objects.get().customer == customer


def test_app_uninstalled_deactivates_the_store(client, store):
    post_shopify(client, "app_uninstalled")

    store.refresh_from_db()
    assert store.active is False
    assert store.uninstalled_at is not None
