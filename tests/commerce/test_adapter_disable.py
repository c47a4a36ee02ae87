"""Disabling a discount code we created, against the local fake shop of each platform."""

from decimal import Decimal

import pytest

from flywheel.commerce.adapters import (
    StoreAuthenticationError,
    StoreNotFound,
    StoreServerError,
    get_adapter,
)
from tests.commerce.fake_store import connect_fake_shop

DELETE_PATH = {
    "shopify": "price_rules/{rule_id}.json",
    "woocommerce": "coupons/{platform_id}",
    "bigcommerce": "v2/coupons/{platform_id}",
}


@pytest.fixture
def shop(db, settings):
    """shop(platform) -> (store, fake, adapter); the adapter's waits are not slept."""
    started = []

    def make(platform):
        store, fake = connect_fake_shop(platform, settings)
        started.append(fake)
        return store, fake, get_adapter(store, sleep=lambda seconds: None)

    yield make
    for fake in started:
        fake.stop()


def standing_code(adapter):
    return adapter.create_discount_code(
        code=None,
        kind="percentage",
        value=Decimal("7.5"),
        currency=adapter.store.currency,
        usage_limit=None,
        once_per_customer=False,
    )


def codes_in(fake) -> int:
    return len(fake.discount_codes) if fake.platform == "shopify" else len(fake.coupons)


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "bigcommerce"])
def test_a_disabled_code_is_deleted_in_the_shop(shop, platform):
    _, fake, adapter = shop(platform)
    created = standing_code(adapter)
    assert codes_in(fake) == 1

    adapter.disable_discount_code(platform_id=created.reference)

    path = DELETE_PATH[platform].format(rule_id=created.rule_id, platform_id=created.platform_id)
    assert len(fake.requests_to(path, "DELETE")) == 1
    assert codes_in(fake) == 0


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "bigcommerce"])
def test_disabling_a_code_the_shop_no_longer_has_is_not_an_error(shop, platform):
    _, fake, adapter = shop(platform)
    created = standing_code(adapter)
    adapter.disable_discount_code(platform_id=created.reference)

    adapter.disable_discount_code(platform_id=created.reference)

    path = DELETE_PATH[platform].format(rule_id=created.rule_id, platform_id=created.platform_id)
    assert len(fake.requests_to(path, "DELETE")) == 2
    assert codes_in(fake) == 0


def test_only_the_disabled_code_goes_and_others_stay(shop):
    _, fake, adapter = shop("bigcommerce")
    kept, disabled = standing_code(adapter), standing_code(adapter)

    adapter.disable_discount_code(platform_id=disabled.reference)

    assert list(fake.coupons) == [int(kept.platform_id)]


def test_shopify_deletes_the_price_rule_named_in_the_reference(shop):
    _, fake, adapter = shop("shopify")
    created = standing_code(adapter)
    assert created.reference == f"{created.rule_id}/{created.platform_id}"

    adapter.disable_discount_code(platform_id=created.reference)

    assert fake.price_rules == {}
    assert fake.discount_codes == {}


def test_shopify_refuses_a_bare_discount_code_id_without_asking_the_shop(shop):
    _, fake, adapter = shop("shopify")
    created = standing_code(adapter)

    with pytest.raises(StoreNotFound, match="price rule"):
        adapter.disable_discount_code(platform_id=created.platform_id)

    assert [request for request in fake.requests if request.method == "DELETE"] == []
    assert len(fake.discount_codes) == 1


def test_woocommerce_deletes_for_good_rather_than_trashing(shop):
    _, fake, adapter = shop("woocommerce")
    created = standing_code(adapter)
    assert created.reference == created.platform_id

    adapter.disable_discount_code(platform_id=created.reference)

    request = fake.requests_to(f"coupons/{created.platform_id}", "DELETE")[0]
    assert request.query == {"force": "true"}
    assert fake.coupons == {}


@pytest.mark.parametrize("platform", ["woocommerce", "bigcommerce"])
def test_an_id_that_is_not_a_number_is_refused_before_any_request(shop, platform):
    _, fake, adapter = shop(platform)

    with pytest.raises(StoreNotFound):
        adapter.disable_discount_code(platform_id="../orders/1")

    assert [request for request in fake.requests if request.method == "DELETE"] == []


def test_a_shop_that_keeps_failing_raises_after_the_retries_and_keeps_the_code(shop):
    _, fake, adapter = shop("bigcommerce")
    created = standing_code(adapter)
    path = f"v2/coupons/{created.platform_id}"
    fake.fail(path, method="DELETE", status=503, times=None)

    with pytest.raises(StoreServerError, match="503"):
        adapter.disable_discount_code(platform_id=created.reference)

    assert len(fake.requests_to(path, "DELETE")) == adapter.http.policy.max_attempts
    assert len(fake.coupons) == 1


def test_a_passing_server_error_is_retried_until_the_code_is_gone(shop):
    _, fake, adapter = shop("woocommerce")
    created = standing_code(adapter)
    path = f"coupons/{created.platform_id}"
    fake.fail(path, method="DELETE", status=500, times=1)

    adapter.disable_discount_code(platform_id=created.reference)

    assert len(fake.requests_to(path, "DELETE")) == 2
    assert fake.coupons == {}


def test_wrong_credentials_are_reported_not_taken_for_an_already_deleted_code(shop):
    store, fake, adapter = shop("shopify")
    created = standing_code(adapter)
    store.api_token = "shpat_revoked"
    revoked = get_adapter(store, sleep=lambda seconds: None)

    with pytest.raises(StoreAuthenticationError):
        revoked.disable_discount_code(platform_id=created.reference)

    assert len(fake.discount_codes) == 1
