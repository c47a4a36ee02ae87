"""Click → sign-up → first paid order → refund window passes → approved, and a refund that
reverses it, through /webhooks/bigcommerce/ and the fake BigCommerce API.

BigCommerce attributes by e-mail only: its webhooks are light notifications, and the order
the adapter fetches carries neither the coupon codes (a separate sub-resource) nor a landing
page, so only the friend's e-mail matching a referred sign-up links the order."""

import datetime
from email.utils import format_datetime

import pytest
from django.utils import timezone

from flywheel.referrals.models import Referral, ReferralStatus
from flywheel.referrals.services import approve_matured_referrals, code_for_member
from flywheel.rewards.models import PointsAccount
from flywheel.rewards.services import approve_matured_points
from tests.commerce.fake_store import connect_fake_shop, fixture
from tests.commerce.webhook_helpers import DOMAINS, SECRET, load, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    store, fake = connect_fake_shop(
        "bigcommerce",
        settings,
        domain=DOMAINS["bigcommerce"],
        webhook_secret=SECRET,
        platform_store_id="abc123",
    )
    yield store, fake
    fake.stop()


def notify(client, order_id: int, *, scope="store/order/statusUpdated", hash_="") -> None:
    payload = load("bigcommerce", "order_created")
    payload["data"]["id"] = order_id
    payload.update(scope=scope, hash=hash_ or f"{scope}-{order_id}")
    response = post(client, "bigcommerce", payload, {"HTTP_X_FLYWHEEL_WEBHOOK_SECRET": SECRET})
    assert response.status_code == 200, response.content


def _points(member):
    account = PointsAccount.objects.filter(member=member).first()
    return (account.balance, account.pending) if account else (0, 0)


def _sign_up_through_the_link(client, referrer, email: str) -> Referral:
    code = code_for_member(referrer).code
    assert client.get(f"/r/{code}").status_code == 302
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": "a-Long-pass-9x", "password2": "a-Long-pass-9x"},
    )
    assert response.status_code == 302
    return Referral.objects.get(referrer=referrer)


def _paid_order(fake, email: str) -> dict:
    placed = timezone.now() - datetime.timedelta(minutes=5)
    return fake.add_order(
        email=email,
        with_refund=False,
        updated_at=placed + datetime.timedelta(minutes=1),
        date_created=format_datetime(placed, usegmt=True),
        status_id=11,  # Awaiting Fulfillment: paid
    )


def test_a_bigcommerce_first_order_by_a_referred_email_is_rewarded_after_the_window(
    client, shop, referrer, referral_rule
):
    _store, fake = shop
    referral = _sign_up_through_the_link(client, referrer, "bran@example.org")
    assert referral.status == ReferralStatus.SIGNED_UP

    record = _paid_order(fake, "bran@example.org")
    notify(client, record["id"])
    referral.refresh_from_db()
    assert (referral.status, referral.source) == (ReferralStatus.PENDING, "email")
    assert _points(referrer) == (0, 100)

    later = timezone.now() + datetime.timedelta(days=31)
    approve_matured_points(now=later)
    assert approve_matured_referrals(now=later) == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED
    assert _points(referrer) == (100, 0)


def test_a_bigcommerce_refund_inside_the_window_reverses_the_referrers_points(
    client, shop, referrer, referral_rule
):
    _store, fake = shop
    _sign_up_through_the_link(client, referrer, "sansa@example.org")
    record = _paid_order(fake, "sansa@example.org")
    notify(client, record["id"])
    assert _points(referrer) == (0, 100)

    # The merchant refunds in the shop; the refund notification makes us fetch it again.
    refunds = fixture("bigcommerce", "refunds")["data"]
    for refund in refunds:
        refund["id"], refund["order_id"] = record["id"] * 10 + 9, record["id"]
        refund["items"][0]["item_id"] = record["id"] * 10
    fake.order_refunds[record["id"]] = refunds
    fake.touch_order(
        record["id"],
        updated_at=timezone.now() - datetime.timedelta(minutes=1),
        status_id=4,
        refunded_amount=record["total_inc_tax"],
    )
    notify(client, record["id"], scope="store/order/refund/created")

    referral = Referral.objects.get(referrer=referrer)
    assert referral.status == ReferralStatus.REVERSED
    assert _points(referrer) == (0, 0)


def test_a_bigcommerce_order_by_an_unreferred_email_is_not_attributed(
    client, shop, referrer, referral_rule
):
    _store, fake = shop
    _sign_up_through_the_link(client, referrer, "bran@example.org")
    record = _paid_order(fake, "someone.else@example.org")
    notify(client, record["id"])
    assert Referral.objects.get(referrer=referrer).status == ReferralStatus.SIGNED_UP
    assert _points(referrer) == (0, 0)
