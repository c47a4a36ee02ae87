"""Contract tests for /webhooks/bigcommerce/: light notifications, then a fetch through the
store adapter from a real local HTTP server answering BigCommerce's documented shapes."""

import copy
import json
from decimal import Decimal

import pytest

from flywheel.commerce.models import (
    DeliveryStatus,
    FinancialStatus,
    Order,
    Product,
    WebhookDelivery,
)
from tests.commerce.fake_store import connect_fake_shop
from tests.commerce.webhook_helpers import load, post

pytestmark = pytest.mark.django_db(transaction=False)

SECRET = "whsec_test"


@pytest.fixture
def shop(settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    store, fake = connect_fake_shop(
        "bigcommerce", settings, domain="store-abc123.mybigcommerce.com", platform_store_id="abc123"
    )
    yield store, fake
    fake.stop()


def notification(name: str, resource_id: int, **changes) -> dict:
    payload = copy.deepcopy(load("bigcommerce", name))
    payload["data"]["id"] = resource_id
    payload.update(changes)
    return payload


def deliver(client, payload, *, secret=SECRET, raw=None, headers=None):
    headers = {"HTTP_X_FLYWHEEL_WEBHOOK_SECRET": secret, **(headers or {})}
    return post(client, "bigcommerce", payload, headers, raw=raw)


def test_an_order_notification_fetches_the_order_and_stores_it(client, shop):
    store, fake = shop
    record = fake.add_order(with_refund=False, email="mary@example.co.uk")

    response = deliver(client, notification("order_created", record["id"]))

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    order = Order.objects.get()
    assert order.external_id == str(record["id"])
    assert order.total == Decimal(record["total_inc_tax"]).quantize(Decimal("0.01"))
    assert order.email == "mary@example.co.uk"
    assert order.lines.count() == len(fake.order_products[record["id"]])
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PROCESSED


def test_the_store_is_found_from_the_producer(client, shop):
    store, fake = shop
    record = fake.add_order(with_refund=False)

    deliver(client, notification("order_created", record["id"], producer="stores/abc123"))

    assert Order.objects.get().store == store


def test_a_wrong_shared_secret_is_refused_and_nothing_is_stored(client, shop):
    store, fake = shop
    response = deliver(client, notification("order_created", 1), secret="guess")

    assert response.status_code == 401
    assert WebhookDelivery.objects.count() == 0
    assert fake.requests == []


def test_a_missing_secret_header_is_refused(client, shop):
    body = json.dumps(notification("order_created", 1)).encode()
    response = client.post("/webhooks/bigcommerce/", data=body, content_type="application/json")

    assert response.status_code == 401


def test_an_unknown_producer_is_not_found(client, shop):
    response = deliver(client, notification("order_created", 1, producer="stores/zzz999"))

    assert response.status_code == 404


def test_malformed_json_is_400(client, shop):
    response = deliver(
        client,
        None,
        raw=b"{not json",
        headers={"HTTP_X_FLYWHEEL_STORE": "store-abc123.mybigcommerce.com"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_the_same_hash_three_times_is_processed_once(client, shop):
    store, fake = shop
    record = fake.add_order(with_refund=False)
    payload = notification("order_created", record["id"])

    statuses = [deliver(client, payload).json()["status"] for _ in range(3)]

    assert statuses == ["accepted", "duplicate", "duplicate"]
    assert Order.objects.count() == 1
    assert len(fake.requests_to(f"v2/orders/{record['id']}")) == 1


def test_a_refund_notification_refetches_the_order_with_its_refunds(client, shop):
    store, fake = shop
    record = fake.add_order(with_refund=True)
    deliver(client, notification("order_created", record["id"]))

    deliver(
        client,
        notification(
            "order_created", record["id"], scope="store/order/refund/created", hash="refund-1"
        ),
    )

    order = Order.objects.get()
    assert order.refunds.count() == len(fake.order_refunds[record["id"]])
    assert order.refunded_total > 0
    assert order.financial_status in (
        FinancialStatus.PARTIALLY_REFUNDED,
        FinancialStatus.REFUNDED,
    )


def test_a_product_notification_fetches_the_product(client, shop):
    store, fake = shop
    record = fake.add_product()

    deliver(client, notification("product_updated", record["id"]))

    product = Product.objects.get()
    assert product.external_id == str(record["id"])
    assert product.variants.count() == len(record["variants"])


def test_a_shop_error_on_the_first_fetch_is_retried_and_ends_exactly_right(client, shop):
    store, fake = shop
    record = fake.add_order(with_refund=False)
    fake.fail(f"v2/orders/{record['id']}", status=503, times=1)

    response = deliver(client, notification("order_created", record["id"]))

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PROCESSED
    assert delivery.attempts == 2
    assert Order.objects.count() == 1
    assert Order.objects.get().lines.count() == len(fake.order_products[record["id"]])


def test_a_shop_that_keeps_failing_puts_the_delivery_on_the_dead_letter_list(client, shop):
    store, fake = shop
    record = fake.add_order(with_refund=False)
    fake.fail(f"v2/orders/{record['id']}", status=503, times=None)

    response = deliver(client, notification("order_created", record["id"]))

    assert response.status_code == 200  # acknowledged: the inbox has it
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 7  # the first try and six retries
    assert "503" in delivery.last_error or "Server" in delivery.last_error
    assert Order.objects.count() == 0
