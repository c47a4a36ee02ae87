"""The REST back-fill against the local fake store: pages, idempotency, resume, progress."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from flywheel.commerce.adapters import StoreServerError, get_adapter
from flywheel.commerce.backfill import run_backfill
from flywheel.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    ProductVariant,
    Refund,
    SyncCursor,
)
from tests.commerce.fake_store import connect_fake_shop

PLATFORMS = ["shopify", "woocommerce", "bigcommerce"]
ORDERS_PATH = {"shopify": "orders.json", "woocommerce": "orders", "bigcommerce": "v2/orders"}


@pytest.fixture
def shop(db, settings):
    started = []

    def make(platform):
        store, fake = connect_fake_shop(platform, settings)
        started.append(fake)
        return store, fake

    yield make
    for fake in started:
        fake.stop()


def _seed(fake, *, orders=5, customers=3, products=2):
    for _ in range(customers):
        fake.add_customer()
    for _ in range(products):
        fake.add_product()
    return [fake.add_order()["id"] for _ in range(orders)]


def _counts(store):
    return {
        "customers": Customer.objects.filter(store=store).count(),
        "orders": Order.objects.filter(store=store).count(),
        "lines": OrderLine.objects.filter(order__store=store).count(),
        "refunds": Refund.objects.filter(store=store).count(),
        "products": Product.objects.filter(store=store).count(),
        "variants": ProductVariant.objects.filter(product__store=store).count(),
    }


@pytest.mark.parametrize("platform", PLATFORMS)
def test_backfill_imports_customers_products_and_orders_with_lines_and_refunds(shop, platform):
    store, fake = shop(platform)
    order_ids = _seed(fake, orders=5)
    adapter = get_adapter(store, sleep=lambda seconds: None, page_size=2)

    report = run_backfill(store=store, adapter=adapter)

    counts = _counts(store)
    assert counts["orders"] == 5
    assert counts["products"] == 2
    assert counts["refunds"] == 5
    assert counts["lines"] == 5 * len(fake.orders[order_ids[0]].get("line_items") or [1])
    # The three listed customers, plus each order's buyer.
    assert counts["customers"] == 3 + 5
    orders = {progress.resource: progress for progress in report.resources}["orders"]
    assert orders.records == 5 and orders.pages == 3
    assert set(Order.objects.filter(store=store).values_list("external_id", flat=True)) == {
        str(order_id) for order_id in order_ids
    }


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_second_backfill_updates_and_never_duplicates(shop, platform):
    store, fake = shop(platform)
    _seed(fake, orders=4)
    adapter = get_adapter(store, sleep=lambda seconds: None, page_size=3)

    run_backfill(store=store, adapter=adapter)
    first = _counts(store)
    run_backfill(store=store, adapter=adapter)

    assert _counts(store) == first


def test_an_interrupted_backfill_resumes_at_the_page_that_failed(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 2
    store, fake = shop("shopify")
    _seed(fake, orders=7, customers=1, products=1)
    adapter = get_adapter(store, sleep=lambda seconds: None, page_size=2)
    fake.fail("orders.json", status=500, times=None, page=3)

    with pytest.raises(StoreServerError):
        run_backfill(store=store, adapter=adapter)

    assert Order.objects.filter(store=store).count() == 4
    state = SyncCursor.objects.get(store=store, resource="orders")
    assert state.cursor and state.completed_at is None and "HTTP 500" in state.last_error

    fake.faults.clear()
    before = len(fake.requests)
    report = run_backfill(store=store, adapter=adapter, resume=True)

    rerun = fake.requests[before:]
    assert [request.page for request in rerun if request.path == "orders.json"] == [3, 4]
    assert not [request for request in rerun if request.path != "orders.json"]
    assert Order.objects.filter(store=store).count() == 7
    resources = {progress.resource: progress for progress in report.resources}
    assert resources["customers"].already_complete and resources["products"].already_complete
    assert resources["orders"].records == 7
    state.refresh_from_db()
    assert state.completed_at is not None and state.cursor == ""


def test_woocommerce_resume_continues_from_the_page_number(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    store, fake = shop("woocommerce")
    _seed(fake, orders=5, customers=0, products=0)
    adapter = get_adapter(store, sleep=lambda seconds: None, page_size=2)
    fake.fail("orders", status=503, times=None, page=3)

    with pytest.raises(StoreServerError):
        run_backfill(store=store, adapter=adapter, resources=["orders"])
    fake.faults.clear()
    before = len(fake.requests)
    run_backfill(store=store, adapter=adapter, resources=["orders"], resume=True)

    assert [r.query["page"] for r in fake.requests[before:]] == ["3"]
    assert Order.objects.filter(store=store).count() == 5


def test_a_backfill_since_a_date_asks_only_for_records_changed_since(shop):
    store, fake = shop("shopify")
    old = fake.add_order(updated_at=timezone.now() - timedelta(days=40))
    new = fake.add_order(updated_at=timezone.now() - timedelta(days=2))
    adapter = get_adapter(store, sleep=lambda seconds: None)

    run_backfill(store=store, adapter=adapter, since=timezone.now() - timedelta(days=7))

    assert list(Order.objects.filter(store=store).values_list("external_id", flat=True)) == [
        str(new["id"])
    ]
    assert str(old["id"]) not in Order.objects.values_list("external_id", flat=True)
    assert "updated_at_min" in fake.requests_to("orders.json")[0].query


def test_a_rate_limited_page_is_waited_for_then_imported(shop):
    store, fake = shop("bigcommerce")
    _seed(fake, orders=3, customers=0, products=0)
    waits = []
    adapter = get_adapter(store, sleep=waits.append, page_size=2)
    fake.rate_limit("v2/orders", wait_seconds=3.0, times=1)

    run_backfill(store=store, adapter=adapter, resources=["orders"])

    assert waits == [3.0]
    assert Order.objects.filter(store=store).count() == 3


def test_a_complete_backfill_hands_over_to_reconciliation(shop):
    store, fake = shop("shopify")
    _seed(fake, orders=1, customers=0, products=0)

    run_backfill(store=store, adapter=get_adapter(store, sleep=lambda seconds: None))

    orders = SyncCursor.objects.get(store=store, resource="orders")
    mark = SyncCursor.objects.get(store=store, resource="reconcile")
    assert mark.updated_since == orders.started_at
    store.refresh_from_db()
    assert store.last_synced_at == orders.started_at


# -- the command line -------------------------------------------------------------------


def test_import_command_shows_pages_counts_and_rate(shop, settings):
    settings.FLYWHEEL_STORE_API_PAGE_SIZE = 2
    store, fake = shop("woocommerce")
    _seed(fake, orders=3, customers=2, products=1)
    out = StringIO()

    call_command("commerce", "import", "--store", store.domain, stdout=out)

    output = out.getvalue()
    assert "customers: page 1, 2 records" in output
    assert "orders: page 2, 3 records" in output
    assert "records/s" in output
    assert "Done: 6 records" in output
    assert Order.objects.filter(store=store).count() == 3


def test_import_command_failure_says_how_to_resume_and_resume_finishes(shop, settings):
    settings.FLYWHEEL_STORE_API_PAGE_SIZE = 2
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    store, fake = shop("shopify")
    _seed(fake, orders=5, customers=0, products=0)
    fake.fail("orders.json", status=500, times=None, page=2)

    with pytest.raises(CommandError) as raised:
        call_command(
            "commerce", "import", "--store", store.domain, "--only", "orders", stdout=StringIO()
        )

    assert "HTTP 500" in str(raised.value) and "--resume" in str(raised.value)
    fake.faults.clear()
    out = StringIO()
    call_command(
        "commerce", "import", "--store", store.domain, "--only", "orders", "--resume", stdout=out
    )
    assert "resuming" in out.getvalue()
    assert Order.objects.filter(store=store).count() == 5


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--store", "nowhere.example.com"], "No connected store nowhere.example.com"),
        (["--store", "{domain}", "--since", "last tuesday"], "--since: 'last tuesday'"),
        (["--store", "{domain}", "--only", "coupons"], "--only: unknown resource coupons"),
    ],
)
def test_import_command_names_bad_arguments(shop, arguments, message):
    store, _fake = shop("shopify")
    arguments = [value.format(domain=store.domain) for value in arguments]

    with pytest.raises(CommandError, match=message):
        call_command("commerce", "import", *arguments, stdout=StringIO())
