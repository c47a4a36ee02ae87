"""Contract tests: recorded WooCommerce deliveries against /webhooks/woocommerce/."""

import json
from decimal import Decimal

import pytest

from flywheel.commerce.models import (
    Customer,
    FinancialStatus,
    FulfillmentStatus,
    Order,
    Product,
    WebhookDelivery,
)
from tests.commerce.webhook_helpers import load, make_store, post, post_woocommerce, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return make_store("woocommerce", currency="EUR")


def test_a_signed_order_is_processed_into_the_internal_shape(client, store):
    response = post_woocommerce(client, "order_created", "order.created")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    order = Order.objects.get()
    assert order.number == "4750"
    assert order.currency == "EUR"
    assert order.total == Decimal("70.30")
    assert order.subtotal == Decimal("60.00")
    assert order.discount == Decimal("5.00")
    assert order.tax == Decimal("11.40")
    assert order.financial_status == FinancialStatus.PAID
    assert order.placed_at.isoformat() == "2024-05-02T14:54:40+00:00"
    assert order.customer.external_id == "26"
    assert order.email == "anna@example.it"
    assert order.lines.count() == 2


def test_the_wrong_signature_is_refused_and_nothing_is_stored(client, store):
    body = json.dumps(load("woocommerce", "order_created")).encode()
    headers = {
        "HTTP_X_WC_WEBHOOK_SOURCE": f"https://{store.domain}/",
        "HTTP_X_WC_WEBHOOK_TOPIC": "order.created",
        "HTTP_X_WC_WEBHOOK_SIGNATURE": sign(body, "wrong"),
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": "d1",
    }

    assert post(client, "woocommerce", None, headers, raw=body).status_code == 401
    assert WebhookDelivery.objects.count() == 0


def test_an_unknown_source_is_not_found(client, store):
    body = json.dumps(load("woocommerce", "order_created")).encode()
    headers = {
        "HTTP_X_WC_WEBHOOK_SOURCE": "https://elsewhere.example/",
        "HTTP_X_WC_WEBHOOK_TOPIC": "order.created",
        "HTTP_X_WC_WEBHOOK_SIGNATURE": sign(body),
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": "d1",
    }

    assert post(client, "woocommerce", None, headers, raw=body).status_code == 404


def test_the_ping_sent_when_a_webhook_is_saved_is_answered_without_storing(client, store):
    response = client.post(
        "/webhooks/woocommerce/",
        data=b"webhook_id=3",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_WC_WEBHOOK_SOURCE=f"https://{store.domain}/",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ping"
    assert WebhookDelivery.objects.count() == 0


def test_the_same_delivery_id_three_times_is_one_delivery(client, store):
    statuses = [
        post_woocommerce(client, "order_created", "order.created", delivery_id="abc").json()[
            "status"
        ]
        for _ in range(3)
    ]

    assert statuses == ["accepted", "duplicate", "duplicate"]
    assert Order.objects.count() == 1


def test_updates_in_reverse_order_end_in_the_newest_state(client, store):
    post_woocommerce(client, "order_updated_refund", "order.updated")
    post_woocommerce(client, "order_updated", "order.updated")
    post_woocommerce(client, "order_created", "order.created")

    order = Order.objects.get()
    assert order.fulfillment_status == FulfillmentStatus.FULFILLED
    assert order.refunded_total == Decimal("23.70")
    assert order.financial_status == FinancialStatus.PARTIALLY_REFUNDED
    assert order.refunds.count() == 1


def test_a_cancelled_order_is_marked_cancelled(client, store):
    post_woocommerce(client, "order_created", "order.created")
    post_woocommerce(
        client,
        "order_created",
        "order.updated",
        status="cancelled",
        date_modified_gmt="2024-05-03T09:00:00",
    )

    order = Order.objects.get()
    assert order.cancelled_at is not None
    assert order.financial_status == FinancialStatus.VOIDED


def test_customers_and_products_are_upserted(client, store):
    post_woocommerce(client, "customer_created", "customer.created")
    post_woocommerce(client, "product_created", "product.created")
    post_woocommerce(client, "customer_created", "customer.updated", first_name="Annalisa")

    customer = Customer.objects.get()
    assert customer.first_name == "Annalisa"
    assert customer.email == "anna@example.it"
    product = Product.objects.get()
    assert product.handle == "merino-beanie"
    assert product.variants.get().sku == "BEANIE-M"


def test_an_unknown_topic_is_ignored_with_200(client, store):
    response = post_woocommerce(client, "product_created", "coupon.created")

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert Product.objects.count() == 0
