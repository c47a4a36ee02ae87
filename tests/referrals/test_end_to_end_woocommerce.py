"""Click → sign-up → first paid order → refund window passes → approved, and a refund that
reverses it, with orders in WooCommerce's webhook format through /webhooks/woocommerce/.
WooCommerce carries the coupon lines and, since 8.5, the visit's entry page
(`_wc_order_attribution_session_entry`), so all three attributions work there."""

import copy
import datetime
import itertools

import pytest
from django.utils import timezone

from flywheel.referrals.models import Referral, ReferralStatus
from flywheel.referrals.services import approve_matured_referrals, code_for_member
from flywheel.rewards.models import PointsAccount
from flywheel.rewards.services import approve_matured_points
from tests.commerce.fake_store import connect_fake_shop
from tests.commerce.webhook_helpers import DOMAINS, SECRET, load, post_woocommerce

pytestmark = pytest.mark.django_db

_ids = itertools.count(7001)
GMT = "%Y-%m-%dT%H:%M:%S"


@pytest.fixture
def shop(settings):
    store, fake = connect_fake_shop(
        "woocommerce", settings, domain=DOMAINS["woocommerce"], webhook_secret=SECRET
    )
    yield store, fake
    fake.stop()


def woo_order(*, email: str, coupons=(), entry_page: str = "") -> dict:
    payload = copy.deepcopy(load("woocommerce", "order_paid"))
    placed = timezone.now() - datetime.timedelta(minutes=5)
    order_id = next(_ids)
    payload.update(
        id=order_id,
        number=str(order_id),
        customer_id=order_id + 100,
        date_created_gmt=placed.strftime(GMT),
        date_modified_gmt=(placed + datetime.timedelta(minutes=1)).strftime(GMT),
        date_paid_gmt=(placed + datetime.timedelta(minutes=1)).strftime(GMT),
        coupon_lines=[{"id": 1, "code": code, "discount": "5.00"} for code in coupons],
        meta_data=(
            [{"id": 9, "key": "_wc_order_attribution_session_entry", "value": entry_page}]
            if entry_page
            else []
        ),
        refunds=[],
    )
    payload["billing"] = {**payload["billing"], "email": email, "first_name": "Bran"}
    return payload


def send(client, payload, topic="order.updated"):
    response = post_woocommerce(client, "order_paid", topic, payload=payload)
    assert response.status_code == 200, response.content
    return payload


def _points(member):
    account = PointsAccount.objects.filter(member=member).first()
    return (account.balance, account.pending) if account else (0, 0)


def test_a_woocommerce_first_order_after_a_sign_up_is_rewarded_after_the_window(
    client, shop, referrer, referral_rule
):
    code = code_for_member(referrer).code
    assert client.get(f"/r/{code}").status_code == 302
    response = client.post(
        "/accounts/signup/",
        {"email": "bran@example.org", "password1": "a-Long-pass-9x", "password2": "a-Long-pass-9x"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(referrer=referrer)
    assert referral.status == ReferralStatus.SIGNED_UP

    send(client, woo_order(email="bran@example.org"), topic="order.created")
    referral.refresh_from_db()
    assert (referral.status, referral.source) == (ReferralStatus.PENDING, "email")
    assert _points(referrer) == (0, 100)

    later = timezone.now() + datetime.timedelta(days=31)
    approve_matured_points(now=later)
    assert approve_matured_referrals(now=later) == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED
    assert _points(referrer) == (100, 0)


def test_a_woocommerce_coupon_attributes_the_order_and_a_refund_reverses_it(
    client, shop, referrer, referral_rule
):
    code = code_for_member(referrer).code
    order = send(client, woo_order(email="sansa@example.org", coupons=[code.lower()]))
    referral = Referral.objects.get(referrer=referrer)
    assert (referral.status, referral.source) == (ReferralStatus.PENDING, "discount_code")
    assert _points(referrer) == (0, 100)

    refunded = copy.deepcopy(order)
    refunded["refunds"] = [{"id": 4801, "reason": "Changed my mind", "total": "-70.30"}]
    refunded["status"] = "refunded"
    refunded["date_modified_gmt"] = (timezone.now() - datetime.timedelta(minutes=1)).strftime(GMT)
    send(client, refunded)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVERSED
    assert _points(referrer) == (0, 0)


def test_the_woocommerce_entry_page_ref_attributes_a_guest_order(
    client, shop, referrer, referral_rule
):
    code = code_for_member(referrer).code
    send(
        client,
        woo_order(email="arya@example.org", entry_page=f"https://shop.example.it/?ref={code}"),
    )
    referral = Referral.objects.get(referrer=referrer)
    assert (referral.status, referral.source) == (ReferralStatus.PENDING, "landing_ref")
