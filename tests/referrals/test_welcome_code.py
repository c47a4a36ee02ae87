"""The friend's welcome code is theirs alone: tied to their e-mail in the shop where the
platform allows (WooCommerce's e-mail restriction, Shopify's prerequisite customer), and on
any platform an order from someone else carrying it earns the referrer nothing."""

import pytest

from flywheel.commerce.adapters import get_adapter
from flywheel.commerce.adapters.errors import InvalidDiscount
from flywheel.referrals.models import Referral
from flywheel.referrals.services import code_for_member
from tests.commerce.fake_store import connect_fake_shop
from tests.referrals.orders import order_payload, send_order

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-phrase-9"


def _follow_and_sign_up(client, code, email):
    assert client.get(f"/r/{code}").status_code == 302
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return Referral.objects.get(referred_email=email.lower())


@pytest.fixture
def woocommerce_shop(settings):
    store, fake = connect_fake_shop("woocommerce", settings)
    yield store, fake
    fake.stop()


@pytest.fixture
def bigcommerce_shop(settings):
    store, fake = connect_fake_shop("bigcommerce", settings)
    yield store, fake
    fake.stop()


def test_woocommerce_welcome_code_is_restricted_to_the_friends_email(
    client, woocommerce_shop, referrer
):
    _store, fake = woocommerce_shop
    referral = _follow_and_sign_up(client, code_for_member(referrer).code, "Bran@Example.org")
    (coupon,) = fake.coupons.values()
    assert coupon["code"].upper() == referral.friend_code
    assert coupon["email_restrictions"] == ["bran@example.org"]
    assert coupon["usage_limit"] == 1


def test_shopify_welcome_code_is_for_the_friends_customer_record_only(client, shop, referrer):
    _store, fake = shop
    _follow_and_sign_up(client, code_for_member(referrer).code, "bran@example.org")
    (rule,) = fake.price_rules.values()
    (customer,) = [c for c in fake.customers.values() if c["email"] == "bran@example.org"]
    assert rule["customer_selection"] == "prerequisite"
    assert rule["prerequisite_customer_ids"] == [customer["id"]]


def test_shopify_reuses_the_friends_existing_customer_record(client, shop, referrer):
    _store, fake = shop
    existing = fake.add_customer(email="arya@example.org")
    _follow_and_sign_up(client, code_for_member(referrer).code, "arya@example.org")
    (rule,) = fake.price_rules.values()
    assert rule["prerequisite_customer_ids"] == [existing["id"]]
    assert [c["email"] for c in fake.customers.values()].count("arya@example.org") == 1


def test_bigcommerce_cannot_tie_the_code_and_says_so(bigcommerce_shop):
    store, fake = bigcommerce_shop
    from decimal import Decimal

    with get_adapter(store) as adapter:
        created = adapter.create_discount_code(
            code=None,
            kind="percentage",
            value=Decimal("10"),
            currency=store.currency,
            customer_email="bran@example.org",
        )
    assert created.customer_email == ""
    (coupon,) = fake.coupons.values()
    assert coupon["max_uses"] == 1


def test_a_code_cannot_be_tied_to_something_that_is_not_an_email(woocommerce_shop):
    store, fake = woocommerce_shop
    from decimal import Decimal

    with get_adapter(store) as adapter, pytest.raises(InvalidDiscount):
        adapter.create_discount_code(
            code=None,
            kind="percentage",
            value=Decimal("10"),
            currency=store.currency,
            customer_email="not an address",
        )
    assert fake.coupons == {}


def test_a_welcome_code_on_someone_elses_order_earns_the_referrer_nothing(
    client, shop, referrer, referral_rule
):
    referral = _follow_and_sign_up(client, code_for_member(referrer).code, "bran@example.org")
    send_order(
        client, order_payload(email="ghost@example.org", discount_codes=[referral.friend_code])
    )
    assert not Referral.objects.filter(referred_email="ghost@example.org").exists()
    # The friend's own order with it still counts, through the code.
    send_order(
        client, order_payload(email="bran@example.org", discount_codes=[referral.friend_code])
    )
    referral.refresh_from_db()
    assert (referral.status, referral.source) == ("pending", "discount_code")
