"""Store credit as the referrer's reward: issued in the shop through the adapter (a Shopify
gift card, a BigCommerce gift certificate, a WooCommerce single-use coupon tied to the
referrer's e-mail) once the refund window has passed, stored with its amount and currency,
idempotent, retried through the outbound path, and refused clearly where the shop has no
store credit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from flywheel.commerce.adapters import get_adapter
from flywheel.commerce.adapters.errors import InvalidStoreCredit, StoreCreditNotSupported
from flywheel.core.models import DeliveryState, OutboundMessage
from flywheel.core.outbound import send_outbound
from flywheel.referrals.models import CreditState, Referral, ReferralStatus, StoreCredit
from flywheel.referrals.services import (
    STORE_CREDIT_KIND,
    approve_matured_referrals,
    code_for_member,
    grant_store_credit,
)
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=31)


@pytest.fixture
def credit_setting(settings):
    settings.FLYWHEEL_REFERRAL_STORE_CREDIT = "10.00"
    return settings


def _pending_referral(referrer, email="bran@example.org"):
    return Referral.objects.create(
        referrer=referrer,
        code=code_for_member(referrer),
        referred_key=email,
        referred_email=email,
        source="email",
        status=ReferralStatus.PENDING,
        order_total=Decimal("54.00"),
        order_currency="USD",
        converted_at=timezone.now() - datetime.timedelta(days=1),
    )


def _message_for(credit):
    return OutboundMessage.objects.get(dedupe_key=f"{STORE_CREDIT_KIND}:{credit.pk}")


# ------------------------------------------------------------------------------ adapters


def test_shopify_issues_a_gift_card_for_the_customer_with_that_email(shop):
    store, fake = shop
    with get_adapter(store) as adapter:
        issued = adapter.issue_store_credit(
            amount=Decimal("10"), currency="USD", code="ABCD2345EFGH", customer_email="A@x.org"
        )
    (card,) = fake.gift_cards.values()
    (customer,) = [c for c in fake.customers.values() if c["email"] == "a@x.org"]
    assert card["initial_value"] == "10.00"
    assert card["customer_id"] == customer["id"]
    assert (issued.code, issued.amount, issued.currency) == ("ABCD2345EFGH", Decimal("10"), "USD")
    assert issued.platform_id == str(card["id"]) and not issued.already_issued


def test_shopify_recognises_a_gift_card_it_already_issued_and_pays_nothing_twice(shop):
    store, fake = shop
    with get_adapter(store) as adapter:
        adapter.issue_store_credit(
            amount=Decimal("10"), currency="USD", code="ABCD2345EFGH", customer_email="a@x.org"
        )
        again = adapter.issue_store_credit(
            amount=Decimal("10"), currency="USD", code="ABCD2345EFGH", customer_email="a@x.org"
        )
    assert again.already_issued
    assert len(fake.gift_cards) == 1


def test_bigcommerce_issues_a_gift_certificate_once_per_code(settings):
    store, fake = connect_fake_shop("bigcommerce", settings)
    try:
        with get_adapter(store) as adapter:
            first = adapter.issue_store_credit(
                amount=Decimal("7.5"), currency="USD", code="BCCODE2345", customer_email="a@x.org"
            )
            second = adapter.issue_store_credit(
                amount=Decimal("7.5"), currency="USD", code="BCCODE2345", customer_email="a@x.org"
            )
    finally:
        fake.stop()
    (certificate,) = fake.gift_cards.values()
    assert certificate["amount"] == "7.50"
    assert certificate["to_email"] == "a@x.org"
    assert not first.already_issued and second.already_issued


def test_woocommerce_issues_a_single_use_coupon_only_the_referrer_can_use(settings):
    store, fake = connect_fake_shop("woocommerce", settings)
    try:
        with get_adapter(store) as adapter:
            first = adapter.issue_store_credit(
                amount=Decimal("10"), currency="USD", code="WOOCODE234", customer_email="A@x.org"
            )
            again = adapter.issue_store_credit(
                amount=Decimal("10"), currency="USD", code="WOOCODE234", customer_email="a@x.org"
            )
    finally:
        fake.stop()
    (coupon,) = fake.coupons.values()
    assert coupon["code"] == "woocode234"
    assert coupon["discount_type"] == "fixed_cart" and coupon["amount"] == "10.00"
    assert coupon["individual_use"] is True and coupon["usage_limit"] == 1
    assert coupon["email_restrictions"] == ["a@x.org"]
    assert first.platform_id == str(coupon["id"]) and not first.already_issued
    assert again.already_issued  # a retry after a lost answer pays nothing twice


def test_a_shop_without_store_credit_refuses_it_without_asking(settings, monkeypatch):
    from flywheel.commerce.adapters.woocommerce import WooCommerceAdapter

    monkeypatch.setattr(WooCommerceAdapter, "supports_store_credit", False)
    store, fake = connect_fake_shop("woocommerce", settings)
    try:
        with get_adapter(store) as adapter, pytest.raises(StoreCreditNotSupported) as refusal:
            adapter.issue_store_credit(
                amount=Decimal("10"), currency="USD", code="WOOCODE234", customer_email="a@x.org"
            )
    finally:
        fake.stop()
    assert "cannot issue store credit" in str(refusal.value)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("amount", "currency", "code", "email"),
    [
        (Decimal("0"), "USD", "ABCD2345EFGH", "a@x.org"),
        (Decimal("-5"), "USD", "ABCD2345EFGH", "a@x.org"),
        (Decimal("10"), "EUR", "ABCD2345EFGH", "a@x.org"),
        (Decimal("10"), "USD", "SHORT", "a@x.org"),
        (Decimal("10"), "USD", "ABCD2345EFGH", "not-an-email"),
    ],
)
def test_an_invalid_store_credit_is_refused_before_any_request(shop, amount, currency, code, email):
    store, fake = shop
    with get_adapter(store) as adapter, pytest.raises(InvalidStoreCredit):
        adapter.issue_store_credit(
            amount=amount, currency=currency, code=code, customer_email=email
        )
    assert fake.requests == []


# ------------------------------------------------------------------------------ the reward


def test_the_referrer_gets_store_credit_when_the_refund_window_has_passed(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    referral = _pending_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve_matured_referrals(now=timezone.now() + LATER) == 1
    credit = StoreCredit.objects.get(referral=referral)
    assert credit.state == CreditState.ISSUED
    assert (credit.amount, credit.currency) == (Decimal("10.00"), "USD")
    (card,) = fake.gift_cards.values()
    assert card["code"] == credit.code and card["initial_value"] == "10.00"
    assert credit.platform_reference == str(card["id"])


def test_store_credit_is_not_given_while_the_refund_window_is_open(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks
):
    _pending_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve_matured_referrals() == 0
    assert not StoreCredit.objects.exists()


def test_no_store_credit_without_the_setting(shop, referrer, django_capture_on_commit_callbacks):
    _pending_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        approve_matured_referrals(now=timezone.now() + LATER)
    assert not StoreCredit.objects.exists()


def test_granting_and_sending_again_issues_the_credit_once(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    referral = _pending_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        first = grant_store_credit(referral=referral)
        second = grant_store_credit(referral=referral)
    assert first.pk == second.pk
    # A worker killed after the shop's answer sends the message again: the shop knows the
    # code, and nothing is paid twice.
    StoreCredit.objects.filter(pk=first.pk).update(state=CreditState.QUEUED)
    OutboundMessage.objects.filter(pk=_message_for(first).pk).update(state=DeliveryState.FAILED)
    send_outbound(message_id=_message_for(first).pk)
    first.refresh_from_db()
    assert first.state == CreditState.ISSUED
    assert len(fake.gift_cards) == 1
    assert StoreCredit.objects.count() == 1


def test_a_shop_failure_is_retried_through_the_outbound_path(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    fake.fail("gift_cards.json", method="POST", status=500, times=1)
    referral = _pending_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        credit = grant_store_credit(referral=referral)
    credit.refresh_from_db()
    message = _message_for(credit)
    assert credit.state == CreditState.QUEUED
    assert message.state == DeliveryState.FAILED and message.next_attempt_at is not None
    send_outbound(message_id=message.pk)
    credit.refresh_from_db()
    assert credit.state == CreditState.ISSUED
    assert len(fake.gift_cards) == 1


def test_a_shop_without_store_credit_refuses_it_visibly(
    settings, referrer, credit_setting, django_capture_on_commit_callbacks, client, monkeypatch
):
    from flywheel.commerce.adapters.woocommerce import WooCommerceAdapter

    monkeypatch.setattr(WooCommerceAdapter, "supports_store_credit", False)
    store, fake = connect_fake_shop("woocommerce", settings)
    try:
        referral = _pending_referral(referrer)
        with django_capture_on_commit_callbacks(execute=True):
            credit = grant_store_credit(referral=referral)
    finally:
        fake.stop()
    credit.refresh_from_db()
    assert credit.state == CreditState.REFUSED
    assert "cannot issue store credit" in credit.refusal
    assert _message_for(credit).state == DeliveryState.DELIVERED  # final: nothing to retry
    client.force_login(referrer)
    page = client.get("/referrals/").content.decode()
    assert "cannot issue store credit" in page
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert "cannot issue store credit" in client.get("/referrals/staff/review/").content.decode()


def test_the_referrer_sees_the_issued_credit_code_and_others_do_not(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks, client
):
    referral = _pending_referral(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        credit = grant_store_credit(referral=referral)
    credit.refresh_from_db()
    client.force_login(referrer)
    assert credit.code in client.get("/referrals/").content.decode()
    client.force_login(UserFactory())
    assert credit.code not in client.get("/referrals/").content.decode()


def test_staff_page_with_store_credit_problems_is_denied_to_members(client, referrer):
    client.force_login(referrer)
    assert client.get("/referrals/staff/review/").status_code == 403
