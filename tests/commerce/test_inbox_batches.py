"""Draining the webhook inbox in batches: each received delivery is applied exactly once,
a bad one neither holds back nor undoes the others, and failures keep their retries."""

import copy
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
import redis

from flywheel.commerce.models import (
    DeliveryStatus,
    Order,
    OrderLine,
    Product,
    WebhookDelivery,
)
from flywheel.commerce.services import record_delivery
from flywheel.commerce.tasks import process_inbox
from tests.commerce.fake_store import connect_fake_shop
from tests.commerce.test_worker_crash import (
    REPO_ROOT,
    crash_test_redis_url,
    require_redis,
    start_worker,
    wait_for,
    worker_database,
)
from tests.commerce.webhook_helpers import load, make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db, settings):
    settings.FLYWHEEL_WEBHOOK_BATCH_SIZE = 3
    return make_store("shopify")


def store_order_delivery(store, number: int, **changes) -> WebhookDelivery:
    """A verified orders/create delivery in the inbox, not processed yet (the test's
    transaction never commits, so the on-commit hook that would queue it does not run)."""
    payload = copy.deepcopy(load("shopify", "orders_create"))
    payload["id"] = 7000 + number
    payload["name"] = f"#{7000 + number}"
    payload.update(changes)
    delivery, created = record_delivery(
        store=store,
        topic="orders/create",
        event_id=f"evt-batch-{number}",
        body=json.dumps(payload),
        headers={},
        known_topic=True,
    )
    assert created
    return delivery


def test_draining_the_inbox_applies_every_received_delivery_once(store):
    for number in range(7):
        store_order_delivery(store, number)

    assert process_inbox.apply().get() == 7

    assert Order.objects.count() == 7
    assert OrderLine.objects.count() == 14
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {
        (DeliveryStatus.PROCESSED, 1)
    }
    assert process_inbox.apply().get() == 0
    assert Order.objects.count() == 7


def test_a_product_arriving_between_two_orders_of_one_batch_links_both_orders_lines(store):
    store_order_delivery(store, 1)
    record_delivery(
        store=store,
        topic="products/create",
        event_id="evt-product",
        body=json.dumps(load("shopify", "products_create")),
        headers={},
        known_topic=True,
    )
    store_order_delivery(store, 2)

    assert process_inbox.apply().get() == 3

    product = Product.objects.get()
    tent_lines = OrderLine.objects.filter(sku="TENT-2P")
    assert tent_lines.count() == 2
    assert {line.product_id for line in tent_lines} == {product.pk}
    assert {line.variant.external_id for line in tent_lines} == {"808950810"}


def test_an_unreadable_delivery_goes_to_the_dead_letters_and_the_rest_of_its_batch_applies(
    store,
):
    first = store_order_delivery(store, 1)
    unreadable = store_order_delivery(store, 2, total_price="not money")
    third = store_order_delivery(store, 3)

    process_inbox.apply()

    unreadable.refresh_from_db()
    assert unreadable.status == DeliveryStatus.DEAD
    assert unreadable.attempts == 1
    assert "not an amount of money" in unreadable.last_error
    for delivery in (first, third):
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PROCESSED
        assert delivery.attempts == 1
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["7001", "7003"]


def test_a_delivery_that_keeps_failing_in_a_batch_is_retried_until_dead(settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    settings.FLYWHEEL_WEBHOOK_BATCH_SIZE = 3
    store, fake = connect_fake_shop(
        "bigcommerce", settings, domain="store-abc123.mybigcommerce.com", platform_store_id="abc123"
    )
    try:
        record = fake.add_order(with_refund=False)
        fake.fail(f"v2/orders/{record['id']}", status=503, times=None)
        payload = copy.deepcopy(load("bigcommerce", "order_created"))
        payload["data"]["id"] = record["id"]
        delivery, _created = record_delivery(
            store=store,
            topic="store/order/created",
            event_id="evt-failing",
            body=json.dumps(payload),
            headers={},
            known_topic=True,
        )

        process_inbox.apply()
    finally:
        fake.stop()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 7  # the first try in the batch's fallback and six retries
    assert Order.objects.count() == 0


@pytest.mark.redis
def test_two_workers_draining_the_inbox_together_apply_each_delivery_once(tmp_path):
    deliveries = 150
    redis_url = crash_test_redis_url()
    require_redis(redis_url)
    queue = f"flywheel-commerce-pair-{uuid.uuid4().hex}"
    with worker_database(tmp_path) as (database_url, count):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tests.commerce.worker_settings",
            "FLYWHEEL_COMMERCE_TEST_QUEUE": queue,
            "FLYWHEEL_WEBHOOK_BATCH_SIZE": "5",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "FLYWHEEL_TESTING": "1",
            "FLYWHEEL_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(REPO_ROOT),
        }
        python = sys.executable
        subprocess.run(
            [python, "-m", "django", "migrate", "--no-input", "-v", "0"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
        log_path = tmp_path / "workers.log"
        workers = [start_worker(env, queue, log_path) for _ in range(2)]
        try:
            subprocess.run(
                [python, "-m", "tests.commerce.worker_driver", "seed", str(deliveries)],
                cwd=REPO_ROOT,
                env=env,
                check=True,
            )
            wait_for(
                lambda: (
                    count(
                        "SELECT count(*) FROM commerce_webhookdelivery WHERE status = 'processed'"
                    )
                    == deliveries
                ),
                timeout=120,
                what="every delivery to be processed",
                log_path=log_path,
            )
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(timeout=5)
            client = redis.Redis.from_url(redis_url)
            client.delete(queue, f"flywheel:commerce:inbox-queued:{queue}")

        assert count("SELECT count(*) FROM commerce_order") == deliveries
        assert count("SELECT count(DISTINCT external_id) FROM commerce_order") == deliveries
        assert count("SELECT count(*) FROM commerce_orderline") == 2 * deliveries
        assert count("SELECT count(*) FROM commerce_customer") == 7
        total = count("SELECT CAST(ROUND(SUM(total) * 100) AS INTEGER) FROM commerce_order")
        assert Decimal(total) / 100 == Decimal("204.92") * deliveries
        assert (
            count("SELECT count(*) FROM commerce_webhookdelivery WHERE status <> 'processed'") == 0
        )
