"""The outbound store adapters against a real local HTTP server in each platform's shapes."""

from datetime import timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from flywheel.commerce.adapters import (
    DiscountCodeConflict,
    InvalidDiscount,
    StoreAuthenticationError,
    StoreNotConfigured,
    StoreRateLimited,
    StoreServerError,
    StoreTimeout,
    get_adapter,
)
from flywheel.commerce.adapters.base import CODE_PATTERN
from tests.commerce.fake_store import connect_fake_shop

PLATFORMS = ["shopify", "woocommerce", "bigcommerce"]
ORDERS_PATH = {"shopify": "orders.json", "woocommerce": "orders", "bigcommerce": "v2/orders"}


@pytest.fixture
def shop(db, settings):
    """shop(platform) -> (store, fake, adapter, waits); waits records every requested sleep."""
    started = []

    def make(platform, **options):
        store, fake = connect_fake_shop(platform, settings)
        started.append(fake)
        waits: list[float] = []
        adapter = get_adapter(store, sleep=waits.append, **options)
        return store, fake, adapter, waits

    yield make
    for fake in started:
        fake.stop()


# -- discount codes ---------------------------------------------------------------------


def test_shopify_single_use_percentage_code_is_a_price_rule_plus_its_code(shop):
    store, fake, adapter, _ = shop("shopify")

    created = adapter.create_discount_code(
        code="WELCOME10", kind="percentage", value=Decimal("10"), currency="USD"
    )

    rule = fake.requests_to("price_rules.json", "POST")[0].body["price_rule"]
    assert rule["value_type"] == "percentage"
    assert rule["value"] == "-10"
    assert rule["usage_limit"] == 1
    assert rule["once_per_customer"] is True
    assert rule["target_type"] == "line_item" and rule["target_selection"] == "all"
    assert rule["allocation_method"] == "across" and rule["customer_selection"] == "all"
    assert rule["ends_at"] is None and "prerequisite_subtotal_range" not in rule
    rule_id = next(iter(fake.price_rules))
    code_request = fake.requests_to(f"price_rules/{rule_id}/discount_codes.json", "POST")[0]
    assert code_request.body == {"discount_code": {"code": "WELCOME10"}}
    assert code_request.headers["x-shopify-access-token"] == store.api_token
    assert created.code == "WELCOME10"
    assert created.platform_id == str(next(iter(fake.discount_codes)))
    assert created.rule_id == str(rule_id)
    assert created.url == "https://shopify-shop.example.com/discount/WELCOME10"


def test_shopify_multi_use_fixed_amount_code_carries_minimum_and_expiry(shop):
    _, fake, adapter, _ = shop("shopify")
    expires = timezone.now() + timedelta(days=30)

    adapter.create_discount_code(
        code="FRIENDS5",
        kind="fixed_amount",
        value=Decimal("5"),
        currency="usd",
        expires_at=expires,
        minimum_order=Decimal("40"),
        usage_limit=None,
        once_per_customer=False,
    )

    rule = fake.requests_to("price_rules.json", "POST")[0].body["price_rule"]
    assert rule["value_type"] == "fixed_amount"
    assert rule["value"] == "-5.00"
    assert rule["usage_limit"] is None
    assert rule["once_per_customer"] is False
    assert rule["prerequisite_subtotal_range"] == {"greater_than_or_equal_to": "40.00"}
    assert rule["ends_at"] == expires.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_shopify_taken_code_raises_conflict_and_removes_the_orphan_price_rule(shop):
    _, fake, adapter, _ = shop("shopify")
    adapter.create_discount_code(
        code="TAKEN1", kind="percentage", value=Decimal("5"), currency="USD"
    )

    with pytest.raises(DiscountCodeConflict, match="already has a discount code TAKEN1"):
        adapter.create_discount_code(
            code="TAKEN1", kind="percentage", value=Decimal("5"), currency="USD"
        )

    assert len(fake.price_rules) == 1
    deleted = [r.path for r in fake.requests if r.method == "DELETE"]
    assert len(deleted) == 1 and deleted[0] != f"price_rules/{next(iter(fake.price_rules))}.json"


def test_woocommerce_single_use_percentage_coupon(shop):
    _, fake, adapter, _ = shop("woocommerce")

    created = adapter.create_discount_code(
        code="WELCOME10", kind="percentage", value=Decimal("10"), currency="USD"
    )

    body = fake.requests_to("coupons", "POST")[0].body
    assert body["code"] == "WELCOME10"
    assert body["discount_type"] == "percent"
    assert body["amount"] == "10.00"
    assert body["usage_limit"] == 1
    assert body["usage_limit_per_user"] == 1
    assert "date_expires_gmt" not in body and "minimum_amount" not in body
    # WooCommerce keeps codes in lower case; we report the shop's spelling.
    assert created.code == "welcome10"
    assert created.platform_id == str(next(iter(fake.coupons)))


def test_woocommerce_multi_use_fixed_cart_coupon_with_minimum_and_expiry(shop):
    _, fake, adapter, _ = shop("woocommerce")
    expires = timezone.now() + timedelta(days=7)

    adapter.create_discount_code(
        code=None,
        kind="fixed_amount",
        value=Decimal("7.5"),
        currency="USD",
        expires_at=expires,
        minimum_order=Decimal("50"),
        usage_limit=None,
        once_per_customer=False,
    )

    body = fake.requests_to("coupons", "POST")[0].body
    assert body["discount_type"] == "fixed_cart"
    assert body["amount"] == "7.50"
    assert body["minimum_amount"] == "50.00"
    assert body["date_expires_gmt"] == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "usage_limit" not in body and "usage_limit_per_user" not in body
    assert fake.requests_to("coupons", "POST")[0].headers["authorization"].startswith("Basic ")


def test_bigcommerce_single_use_percentage_coupon(shop):
    store, fake, adapter, _ = shop("bigcommerce")

    created = adapter.create_discount_code(
        code="WELCOME10", kind="percentage", value=Decimal("10"), currency="USD"
    )

    request = fake.requests_to("v2/coupons", "POST")[0]
    assert request.headers["x-auth-token"] == store.api_token
    body = request.body
    assert body["code"] == "WELCOME10"
    assert body["type"] == "percentage_discount"
    assert body["amount"] == "10.00"
    assert body["max_uses"] == 1
    assert body["max_uses_per_customer"] == 1
    assert body["applies_to"] == {"entity": "categories", "ids": [0]}
    assert body["enabled"] is True
    assert created.code == "WELCOME10"
    assert created.platform_id == str(next(iter(fake.coupons)))


def test_bigcommerce_multi_use_fixed_coupon_with_minimum_and_rfc2822_expiry(shop):
    _, fake, adapter, _ = shop("bigcommerce")
    expires = (timezone.now() + timedelta(days=3)).replace(microsecond=0)

    adapter.create_discount_code(
        code="FRIENDS5",
        kind="fixed_amount",
        value=Decimal("5"),
        currency="USD",
        expires_at=expires,
        minimum_order=Decimal("25"),
        usage_limit=None,
        once_per_customer=False,
    )

    body = fake.requests_to("v2/coupons", "POST")[0].body
    assert body["type"] == "per_total_discount"
    assert body["min_purchase"] == "25.00"
    assert body["max_uses"] == 0 and body["max_uses_per_customer"] == 0
    assert parsedate_to_datetime(body["expires"]) == expires


@pytest.mark.parametrize("platform", PLATFORMS)
def test_generated_codes_are_unique_and_accepted_by_every_platform(shop, platform):
    _, _fake, adapter, _ = shop(platform)

    first = adapter.create_discount_code(
        code=None, kind="percentage", value=Decimal("15"), currency="USD"
    )
    second = adapter.create_discount_code(
        code=None, kind="percentage", value=Decimal("15"), currency="USD"
    )

    assert first.code.upper() != second.code.upper()
    assert CODE_PATTERN.match(first.code) and first.code.upper().startswith("FW")
    assert len(first.code) == 12


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "percentage", "value": Decimal("120")}, "cannot exceed 100"),
        ({"kind": "percentage", "value": Decimal("0")}, "positive"),
        ({"kind": "fixed_amount", "value": Decimal("5"), "currency": "EUR"}, "sells in USD"),
        ({"kind": "bogus", "value": Decimal("5")}, "kind"),
        ({"code": "no spaces!", "kind": "percentage", "value": Decimal("5")}, "3 to 50"),
        ({"kind": "percentage", "value": Decimal("5"), "usage_limit": 0}, "at least 1"),
        (
            {"kind": "percentage", "value": Decimal("5"), "expires_at": timezone.now()},
            "past",
        ),
    ],
)
def test_an_impossible_discount_is_refused_before_any_request(shop, arguments, message):
    _, fake, adapter, _ = shop("shopify")
    arguments = {"code": None, "currency": "USD", **arguments}

    with pytest.raises(InvalidDiscount, match=message):
        adapter.create_discount_code(**arguments)

    assert fake.requests == []


def test_a_post_is_not_resent_after_a_server_error_so_no_duplicate_coupon(shop):
    _, fake, adapter, _ = shop("woocommerce")
    fake.fail("coupons", method="POST", status=500, times=1)

    with pytest.raises(StoreServerError, match="HTTP 500"):
        adapter.create_discount_code(
            code="ONCE1", kind="percentage", value=Decimal("5"), currency="USD"
        )

    assert len(fake.requests_to("coupons", "POST")) == 1


def test_a_post_is_resent_after_a_gateway_error(shop):
    _, fake, adapter, waits = shop("bigcommerce")
    fake.fail("v2/coupons", method="POST", status=503, times=1)

    created = adapter.create_discount_code(
        code="AGAIN1", kind="percentage", value=Decimal("5"), currency="USD"
    )

    assert created.code == "AGAIN1"
    assert len(fake.requests_to("v2/coupons", "POST")) == 2
    assert len(waits) == 1


# -- pagination -------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_listing_orders_walks_every_page(shop, platform):
    _, fake, adapter, _ = shop(platform, page_size=3)
    expected = [fake.add_order()["id"] for _ in range(7)]

    seen, cursor, pages = [], None, 0
    while True:
        page = adapter.list_orders(updated_since=None, cursor=cursor)
        pages += 1
        seen.extend(order["id"] for order in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == expected
    assert pages == 3


def test_shopify_follows_the_link_header_and_sends_only_limit_with_page_info(shop):
    _, fake, adapter, _ = shop("shopify", page_size=2)
    since = timezone.now() - timedelta(days=3650)
    for _ in range(3):
        fake.add_order()

    first = adapter.list_orders(updated_since=since)
    adapter.list_orders(updated_since=since, cursor=first.next_cursor)

    first_request, second_request = fake.requests_to("orders.json")
    assert first_request.query["status"] == "any"
    assert first_request.query["updated_at_min"] == since.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(second_request.query) == {"limit", "page_info"}


def test_shopify_lists_only_orders_updated_since(shop):
    _, fake, adapter, _ = shop("shopify")
    old = fake.add_order(updated_at=timezone.now() - timedelta(days=3))
    new = fake.add_order(updated_at=timezone.now() - timedelta(minutes=5))

    page = adapter.list_orders(updated_since=timezone.now() - timedelta(hours=1))

    assert [order["id"] for order in page.items] == [new["id"]]
    assert old["id"] not in [order["id"] for order in page.items]


def test_woocommerce_reads_the_page_count_from_x_wp_totalpages(shop):
    _, fake, adapter, _ = shop("woocommerce", page_size=2)
    for _ in range(5):
        fake.add_customer()

    page = adapter.list_customers()

    assert page.total_pages == 3
    assert page.next_cursor == "2"
    assert fake.requests_to("customers")[0].query["per_page"] == "2"


def test_bigcommerce_v3_lists_page_by_meta_pagination(shop):
    _, fake, adapter, _ = shop("bigcommerce", page_size=2)
    ids = [fake.add_product()["id"] for _ in range(3)]

    first = adapter.list_products()
    second = adapter.list_products(cursor=first.next_cursor)

    assert [p["id"] for p in first.items + second.items] == ids
    assert first.total_pages == 2 and second.next_cursor is None
    assert fake.requests_to("v3/catalog/products")[0].query["include"] == "variants"


def test_bigcommerce_empty_order_page_is_204_and_ends_the_walk(shop):
    _, fake, adapter, _ = shop("bigcommerce", page_size=2)
    fake.add_order()
    fake.add_order()

    first = adapter.list_orders(updated_since=None)
    second = adapter.list_orders(updated_since=None, cursor=first.next_cursor)

    assert len(first.items) == 2 and first.next_cursor == "2"
    assert second.items == [] and second.next_cursor is None


def test_bigcommerce_orders_come_with_their_lines_and_refunds(shop):
    _, fake, adapter, _ = shop("bigcommerce")
    order = fake.add_order()

    fetched = adapter.fetch_order(str(order["id"]))

    assert fetched["products"][0]["order_id"] == order["id"]
    assert fetched["products"][0]["sku"] == "OTS"
    assert fetched["refunds"][0]["order_id"] == order["id"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lookup_of_an_unknown_order_is_none(shop, platform):
    _, fake, adapter, _ = shop(platform)
    known = fake.add_order()

    assert adapter.lookup_order("999999") is None
    assert adapter.lookup_order(str(known["id"]))["id"] == known["id"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_fetching_a_customer_and_a_product_by_id(shop, platform):
    _, fake, adapter, _ = shop(platform)
    customer = fake.add_customer(email="ada@example.com")
    product = fake.add_product()

    assert adapter.fetch_customer(str(customer["id"]))["email"] == "ada@example.com"
    assert adapter.fetch_product(str(product["id"]))["id"] == product["id"]


# -- rate limits, retries, timeouts -----------------------------------------------------


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_429_waits_as_long_as_retry_after_says_then_succeeds(shop, platform):
    _, fake, adapter, waits = shop(platform)
    fake.add_order()
    fake.rate_limit(ORDERS_PATH[platform], wait_seconds=2.0, times=1)

    page = adapter.list_orders(updated_since=None)

    assert len(page.items) == 1
    assert waits == [2.0]
    assert len(fake.requests_to(ORDERS_PATH[platform])) == 2


def test_bigcommerce_429_waits_for_the_rate_limit_window_reset(shop):
    _, fake, adapter, waits = shop("bigcommerce")
    fake.add_order()
    fake.rate_limit("v2/orders", wait_seconds=1.5, times=1)

    page = adapter.list_orders(updated_since=None)

    assert len(page.items) == 1
    assert waits == [1.5]


def test_endless_429_gives_up_with_a_clear_error(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_RATE_LIMIT_WAITS = 2
    _, fake, _, waits = shop("shopify")
    adapter = get_adapter(_store(fake), sleep=waits.append)
    fake.rate_limit("orders.json", wait_seconds=1.0, times=10)

    with pytest.raises(StoreRateLimited, match="kept rate-limiting GET orders.json after 2 waits"):
        adapter.list_orders(updated_since=None)


def test_a_long_retry_after_is_capped(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_WAIT_SECONDS = 30
    _, fake, _, waits = shop("shopify")
    adapter = get_adapter(_store(fake), sleep=waits.append)
    fake.rate_limit("orders.json", wait_seconds=3600, times=1)

    adapter.list_orders(updated_since=None)

    assert waits == [30]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_server_error_once_is_retried_after_a_backoff(shop, platform):
    _, fake, adapter, waits = shop(platform)
    fake.add_order()
    fake.fail(ORDERS_PATH[platform], status=502, times=1)

    page = adapter.list_orders(updated_since=None)

    assert len(page.items) == 1
    assert len(waits) == 1 and waits[0] > 0


def test_a_server_error_that_persists_names_the_shop_and_the_attempts(shop, settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 3
    _, fake, _, waits = shop("shopify")
    adapter = get_adapter(_store(fake), sleep=waits.append)
    fake.fail("orders.json", status=500, times=None)

    with pytest.raises(StoreServerError) as raised:
        adapter.list_orders(updated_since=None)

    message = str(raised.value)
    assert "shopify-shop.example.com" in message
    assert "HTTP 500 on GET orders.json after 3 attempts" in message
    assert len(fake.requests_to("orders.json")) == 3
    assert waits == [0.5, 1.0]


def test_a_shop_that_does_not_answer_in_time_raises_a_timeout_error(shop, settings):
    settings.FLYWHEEL_STORE_API_READ_TIMEOUT = 0.2
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 2
    _, fake, _, waits = shop("woocommerce")
    adapter = get_adapter(_store(fake), sleep=waits.append)
    fake.stall("orders", seconds=2)

    with pytest.raises(StoreTimeout) as raised:
        adapter.list_orders(updated_since=None)

    assert str(raised.value) == (
        "WooCommerce shop woocommerce-shop.example.com did not answer GET orders "
        "within 0.2 seconds (2 attempts)."
    )


def test_a_wrong_token_says_to_check_the_token(shop):
    store, fake, _, _ = shop("shopify")
    store.api_token = "shpat_wrong"
    adapter = get_adapter(store)

    with pytest.raises(StoreAuthenticationError, match="Check the store's API token"):
        adapter.list_orders(updated_since=None)
    assert len(fake.requests_to("orders.json")) == 1


def test_a_store_without_credentials_is_not_configured(shop):
    store, _, _, _ = shop("bigcommerce")
    store.platform_store_id = ""

    with pytest.raises(StoreNotConfigured, match="store hash"):
        get_adapter(store)


def test_a_store_on_an_unknown_platform_has_no_adapter(shop):
    store, _, _, _ = shop("shopify")
    store.platform = "magento"

    with pytest.raises(StoreNotConfigured, match="no supported platform"):
        get_adapter(store)


# -- webhooks ---------------------------------------------------------------------------

TOPICS = {
    "shopify": ["orders/create", "orders/updated", "refunds/create"],
    "woocommerce": ["order.created", "order.updated"],
    "bigcommerce": ["store/order/created", "store/order/updated"],
}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_registering_webhooks_twice_creates_each_subscription_once(shop, platform):
    _, fake, adapter, _ = shop(platform)
    address = f"https://community.example.com/webhooks/{platform}/"

    first = adapter.register_webhooks(address_base=address, topics=TOPICS[platform])
    second = adapter.register_webhooks(address_base=address, topics=TOPICS[platform])

    assert [hook["created"] for hook in first] == [True] * len(TOPICS[platform])
    assert [hook["created"] for hook in second] == [False] * len(TOPICS[platform])
    assert [hook["id"] for hook in first] == [hook["id"] for hook in second]
    assert len(fake.webhooks) == len(TOPICS[platform])


def test_woocommerce_webhooks_are_signed_with_the_store_secret(shop):
    store, fake, adapter, _ = shop("woocommerce")

    adapter.register_webhooks(address_base="https://c.example.com/wh/", topics=["order.created"])

    body = fake.requests_to("webhooks", "POST")[0].body
    assert body["secret"] == store.webhook_secret
    assert body["delivery_url"] == "https://c.example.com/wh/"


def _store(fake):
    from flywheel.commerce.models import Store

    return Store.objects.get(platform=fake.platform)
