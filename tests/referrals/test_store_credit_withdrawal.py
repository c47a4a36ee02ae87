"""Store credit withdrawn when its referral is rejected or reversed afterwards: the Shopify
gift card disabled, the BigCommerce gift certificate and the WooCommerce coupon deleted,
through the adapter, retried through the outbound path; credit not issued yet is never
issued; a referral that stays rewarded keeps its credit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from flywheel.core.models import DeliveryState, OutboundMessage
from flywheel.core.outbound import send_outbound
from flywheel.referrals.models import CreditState, Referral, ReferralStatus, StoreCredit
from flywheel.referrals.services import (
    STORE_CREDIT_WITHDRAWAL_KIND,
    approve_matured_referrals,
    code_for_member,
    grant_store_credit,
    issue_store_credit_in_shop,
    reject_referral,
    withdraw_store_credit,
)
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=31)


@pytest.fixture
def credit_setting(settings):
    settings.FLYWHEEL_REFERRAL_STORE_CREDIT = "10.00"
    return settings


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


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


def _rewarded_with_credit(referrer, capture) -> StoreCredit:
    referral = _pending_referral(referrer)
    with capture(execute=True):
        assert approve_matured_referrals(now=timezone.now() + LATER) == 1
    credit = StoreCredit.objects.get(referral=referral)
    assert credit.state == CreditState.ISSUED
    return credit


def _withdrawal_message(credit):
    return OutboundMessage.objects.get(dedupe_key=f"{STORE_CREDIT_WITHDRAWAL_KIND}:{credit.pk}")


def test_staff_rejecting_a_rewarded_referral_disables_its_shopify_gift_card(
    shop, referrer, staff, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    credit = _rewarded_with_credit(referrer, django_capture_on_commit_callbacks)
    (card,) = fake.gift_cards.values()
    assert card["disabled_at"] is None

    with django_capture_on_commit_callbacks(execute=True):
        reject_referral(referral=credit.referral, by=staff)

    credit.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN and credit.withdrawn_at is not None
    assert card["disabled_at"] is not None
    assert len(fake.requests_to(f"gift_cards/{card['id']}/disable.json", "POST")) == 1
    # Rejecting again changes nothing and calls the shop no more.
    with django_capture_on_commit_callbacks(execute=True):
        reject_referral(referral=credit.referral, by=staff)
    assert len(fake.requests_to(f"gift_cards/{card['id']}/disable.json", "POST")) == 1


def test_a_rewarded_referral_that_stays_rewarded_keeps_its_credit(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    credit = _rewarded_with_credit(referrer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        approve_matured_referrals(now=timezone.now() + LATER)  # the hourly task again
    credit.refresh_from_db()
    assert credit.state == CreditState.ISSUED
    (card,) = fake.gift_cards.values()
    assert card["disabled_at"] is None
    assert not OutboundMessage.objects.filter(kind=STORE_CREDIT_WITHDRAWAL_KIND).exists()


def test_a_shop_failure_while_withdrawing_is_retried_until_the_card_is_disabled(
    shop, referrer, staff, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    credit = _rewarded_with_credit(referrer, django_capture_on_commit_callbacks)
    (card,) = fake.gift_cards.values()
    fake.fail(f"gift_cards/{card['id']}/disable.json", method="POST", status=500, times=1)

    with django_capture_on_commit_callbacks(execute=True):
        reject_referral(referral=credit.referral, by=staff)

    credit.refresh_from_db()
    message = _withdrawal_message(credit)
    assert credit.state == CreditState.WITHDRAWING
    assert message.state == DeliveryState.FAILED and message.next_attempt_at is not None
    assert card["disabled_at"] is None

    send_outbound(message_id=message.pk)  # the sweep's retry
    credit.refresh_from_db()
    message.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN
    assert message.state == DeliveryState.DELIVERED
    assert card["disabled_at"] is not None


def test_woocommerce_credit_is_a_coupon_that_is_deleted_when_the_referral_is_rejected(
    settings, referrer, staff, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = connect_fake_shop("woocommerce", settings)
    try:
        credit = _rewarded_with_credit(referrer, django_capture_on_commit_callbacks)
        (coupon,) = fake.coupons.values()
        assert coupon["code"] == credit.code.lower()
        assert coupon["email_restrictions"] == [referrer.email.lower()]
        assert credit.platform_reference == str(coupon["id"])
        with django_capture_on_commit_callbacks(execute=True):
            reject_referral(referral=credit.referral, by=staff)
    finally:
        fake.stop()
    credit.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN
    assert fake.coupons == {}
    (deleted,) = fake.requests_to(f"coupons/{coupon['id']}", "DELETE")
    assert deleted.query.get("force") == "true"


def test_bigcommerce_gift_certificate_is_deleted_when_the_referral_is_rejected(
    settings, referrer, staff, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = connect_fake_shop("bigcommerce", settings)
    try:
        credit = _rewarded_with_credit(referrer, django_capture_on_commit_callbacks)
        assert len(fake.gift_cards) == 1
        with django_capture_on_commit_callbacks(execute=True):
            reject_referral(referral=credit.referral, by=staff)
    finally:
        fake.stop()
    credit.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN
    assert fake.gift_cards == {}


def test_credit_issued_in_an_earlier_attempt_is_found_by_its_code_and_withdrawn(
    settings, referrer, staff, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = connect_fake_shop("woocommerce", settings)
    try:
        credit = _rewarded_with_credit(referrer, django_capture_on_commit_callbacks)
        # The shop's answer was lost: the credit is known by its code only.
        StoreCredit.objects.filter(pk=credit.pk).update(platform_reference="")
        with django_capture_on_commit_callbacks(execute=True):
            reject_referral(referral=credit.referral, by=staff)
    finally:
        fake.stop()
    credit.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN
    assert fake.coupons == {}


def test_credit_not_issued_yet_is_never_issued_once_the_referral_is_rejected(
    shop, referrer, staff, credit_setting, django_capture_on_commit_callbacks
):
    _store, fake = shop
    referral = _pending_referral(referrer)
    referral.status = ReferralStatus.APPROVED
    referral.save(update_fields=["status"])
    credit = grant_store_credit(referral=referral)  # queued; its message not sent yet
    reject_referral(referral=referral, by=staff)

    credit.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN and credit.withdrawn_at is None
    issue_store_credit_in_shop(credit_id=credit.pk)  # the message arrives late
    credit.refresh_from_db()
    assert credit.state == CreditState.WITHDRAWN
    assert fake.gift_cards == {}


def test_credit_the_shop_issued_while_the_referral_was_rejected_is_withdrawn(
    shop, referrer, credit_setting, django_capture_on_commit_callbacks, monkeypatch
):
    _store, fake = shop
    referral = _pending_referral(referrer)
    credit = grant_store_credit(referral=referral)
    from flywheel.commerce.adapters.shopify import ShopifyAdapter

    real = ShopifyAdapter._issue_store_credit

    def rejected_meanwhile(self, **kwargs):
        issued = real(self, **kwargs)
        withdraw_store_credit(referral=referral)  # staff reject while the shop answers
        return issued

    monkeypatch.setattr(ShopifyAdapter, "_issue_store_credit", rejected_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        issue_store_credit_in_shop(credit_id=credit.pk)

    credit.refresh_from_db()
    (card,) = fake.gift_cards.values()
    assert credit.state == CreditState.WITHDRAWN and credit.withdrawn_at is not None
    assert card["disabled_at"] is not None


def test_withdrawing_a_referral_without_credit_does_nothing(referrer):
    assert withdraw_store_credit(referral=_pending_referral(referrer)) is None
