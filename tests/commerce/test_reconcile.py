"""Reconciliation against the local fake store: orders a lost webhook missed get repaired."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flywheel.commerce.adapters import get_adapter
from flywheel.commerce.backfill import apply_record
from flywheel.commerce.models import Order, SyncCursor
from flywheel.commerce.reconcile import mark_reconciled, reconcile_store, reconcile_stores
from tests.commerce.fake_store import connect_fake_shop


@pytest.fixture
def shop(db, settings):
    settings.FLYWHEEL_STORE_API_MAX_WAIT_SECONDS = 0
    started = []

    def make(platform, **fields):
        store, fake = connect_fake_shop(platform, settings, **fields)
        started.append(fake)
        return store, fake

    yield make
    for fake in started:
        fake.stop()


def _received_by_webhook(store, payload):
    """What a delivered webhook would have stored."""
    apply_record(store=store, resource="orders", payload=payload)


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "bigcommerce"])
def test_an_order_whose_webhook_was_lost_is_repaired(shop, platform):
    store, fake = shop(platform)
    now = timezone.now()
    delivered = fake.add_order(updated_at=now - timedelta(minutes=20))
    if platform == "bigcommerce":
        delivered = get_adapter(store).fetch_order(str(delivered["id"]))
    _received_by_webhook(store, delivered)
    lost = fake.add_order(updated_at=now - timedelta(minutes=10))
    mark_reconciled(store=store, at=now - timedelta(hours=1))

    report = reconcile_store(store=store)

    assert (report.checked, report.missing, report.outdated) == (2, 1, 0)
    assert report.repaired_ids == [str(lost["id"])]
    assert Order.objects.filter(store=store, external_id=str(lost["id"])).exists()
    assert Order.objects.filter(store=store).count() == 2


def test_an_order_changed_in_the_shop_after_our_copy_is_updated(shop):
    store, fake = shop("shopify")
    now = timezone.now()
    order = fake.add_order(updated_at=now - timedelta(minutes=30), with_refund=False)
    _received_by_webhook(store, order)
    fake.touch_order(
        order["id"], updated_at=now - timedelta(minutes=5), cancelled_at=now.isoformat()
    )
    mark_reconciled(store=store, at=now - timedelta(minutes=45))

    report = reconcile_store(store=store)

    assert (report.missing, report.outdated) == (0, 1)
    assert Order.objects.get(external_id=str(order["id"])).cancelled_at is not None


@pytest.mark.parametrize("orders", [3, 30])
def test_a_pass_with_nothing_to_repair_writes_no_order_in_constant_queries(shop, orders):
    store, fake = shop("shopify")
    for _ in range(orders):
        _received_by_webhook(
            store, fake.add_order(updated_at=timezone.now() - timedelta(minutes=5))
        )
    mark_reconciled(store=store, at=timezone.now() - timedelta(minutes=50))
    before = {o.pk: o.updated_at for o in Order.objects.all()}

    with CaptureQueriesContext(connection) as queries:
        report = reconcile_store(store=store)

    assert (report.checked, report.repaired) == (orders, 0)
    assert {o.pk: o.updated_at for o in Order.objects.all()} == before
    # The mark, what we hold (one query for the page), the new mark: never per order.
    assert len(queries) <= 10


def test_the_shop_is_asked_from_the_last_pass_minus_the_safety_overlap(shop, settings):
    settings.FLYWHEEL_STORE_RECONCILE_OVERLAP_MINUTES = 30
    store, fake = shop("shopify")
    last = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    mark_reconciled(store=store, at=last)

    report = reconcile_store(store=store)

    asked = fake.requests_to("orders.json")[0].query["updated_at_min"]
    assert asked == (last - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert report.since == last - timedelta(minutes=30)
    mark = SyncCursor.objects.get(store=store, resource="reconcile")
    assert mark.updated_since > last


def test_a_store_never_synced_looks_back_over_the_first_window(shop, settings):
    settings.FLYWHEEL_STORE_RECONCILE_FIRST_WINDOW_HOURS = 24
    store, fake = shop("shopify")
    fake.add_order(updated_at=timezone.now() - timedelta(days=3))
    recent = fake.add_order(updated_at=timezone.now() - timedelta(hours=3))

    report = reconcile_store(store=store)

    assert report.repaired_ids == [str(recent["id"])]


def test_the_hourly_task_is_scheduled():
    entry = django_settings.CELERY_BEAT_SCHEDULE["commerce-reconcile-stores"]
    assert entry == {"task": "flywheel.commerce.reconcile_stores", "schedule": 3600}
    assert reconcile_stores.name == "flywheel.commerce.reconcile_stores"


def test_the_hourly_task_repairs_every_active_store_and_survives_a_failing_one(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    healthy, healthy_fake = shop("shopify")
    broken, broken_fake = shop("woocommerce")
    asleep, asleep_fake = shop("bigcommerce", active=False)
    lost = healthy_fake.add_order(updated_at=timezone.now() - timedelta(minutes=10))
    asleep_fake.add_order(updated_at=timezone.now() - timedelta(minutes=10))
    broken_fake.fail("orders", status=500, times=None)

    repaired = reconcile_stores.apply().get()

    assert repaired == {healthy.domain: 1}
    assert Order.objects.filter(store=healthy, external_id=str(lost["id"])).exists()
    assert not Order.objects.filter(store=asleep).exists()
    assert asleep_fake.requests == []
    mark = SyncCursor.objects.get(store=broken, resource="reconcile")
    assert "HTTP 500" in mark.last_error


def test_sync_command_runs_a_pass_and_reports_what_it_repaired(shop):
    store, fake = shop("woocommerce")
    fake.add_order(updated_at=timezone.now() - timedelta(minutes=10))
    out = StringIO()

    call_command("commerce", "sync", "--store", store.domain, stdout=out)

    output = out.getvalue()
    assert "page 1: 1 orders checked, 1 repaired" in output
    assert "1 missing and 0 outdated repaired" in output
    assert Order.objects.filter(store=store).count() == 1


def test_sync_command_reports_a_shop_that_fails(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    store, fake = shop("shopify")
    fake.fail("orders.json", status=500, times=None)

    with pytest.raises(CommandError, match="HTTP 500 on GET orders.json"):
        call_command("commerce", "sync", "--store", store.domain, stdout=StringIO())
