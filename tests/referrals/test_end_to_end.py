"""Click → sign-up → first order → paid → refund window passes → reward approved, through
the real share link, sign-up form and Shopify webhook endpoint, with the fake shop."""

import datetime

import pytest
from django.utils import timezone

from flywheel.referrals.models import Referral, ReferralStatus
from flywheel.referrals.services import approve_matured_referrals, code_for_member
from flywheel.rewards.models import PointsAccount
from flywheel.rewards.services import approve_matured_points
from tests.referrals.orders import order_payload, send_order, send_refund

pytestmark = pytest.mark.django_db


def _follow_and_sign_up(client, code, email):
    response = client.get(f"/r/{code}")
    assert response.status_code == 302
    assert "fw_ref" in response.cookies
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": "a-Long-pass-phrase-9", "password2": "a-Long-pass-phrase-9"},
    )
    assert response.status_code == 302, response.content


def _points(member):
    account = PointsAccount.objects.filter(member=member).first()
    return (account.balance, account.pending) if account else (0, 0)


def test_friend_who_signs_up_and_pays_earns_the_referrer_points_after_the_refund_window(
    client, shop, referrer, referral_rule
):
    _store, fake = shop
    code = code_for_member(referrer).code
    _follow_and_sign_up(client, code, "bran@example.org")

    referral = Referral.objects.get(referrer=referrer)
    assert referral.status == ReferralStatus.SIGNED_UP
    assert referral.referred_member.email == "bran@example.org"
    # The friend's welcome code exists in the shop: single use.
    assert referral.friend_code
    assert [c["code"] for c in fake.discount_codes.values()] == [referral.friend_code]
    assert [r["usage_limit"] for r in fake.price_rules.values()] == [1]

    send_order(client, order_payload(email="bran@example.org"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING
    assert referral.source == "email"
    assert _points(referrer) == (0, 100)

    later = timezone.now() + datetime.timedelta(days=31)
    approve_matured_points(now=later)
    assert approve_matured_referrals(now=later) == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED
    assert _points(referrer) == (100, 0)


def test_a_refund_inside_the_window_reverses_the_referrers_points(
    client, shop, referrer, referral_rule
):
    code = code_for_member(referrer).code
    order = send_order(
        client, order_payload(email="sansa@example.org", landing_site=f"/?ref={code}")
    )
    referral = Referral.objects.get(referrer=referrer)
    assert (referral.status, referral.source) == (ReferralStatus.PENDING, "landing_ref")
    assert _points(referrer) == (0, 100)

    send_refund(client, order)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVERSED
    assert _points(referrer) == (0, 0)
    approve_matured_points(now=timezone.now() + datetime.timedelta(days=31))
    assert _points(referrer) == (0, 0)


def test_a_cancellation_inside_the_window_reverses_the_referrers_points(
    client, shop, referrer, referral_rule
):
    code = code_for_member(referrer).code
    order = send_order(client, order_payload(email="arya@example.org", discount_codes=[code]))
    assert Referral.objects.get(referrer=referrer).source == "discount_code"
    order["cancelled_at"] = timezone.now().isoformat()
    order["updated_at"] = (timezone.now() + datetime.timedelta(minutes=2)).isoformat()
    send_order(client, order, name="orders_cancelled")
    assert Referral.objects.get(referrer=referrer).status == ReferralStatus.REVERSED
    assert _points(referrer) == (0, 0)


def test_self_referral_with_an_aliased_gmail_address_is_rejected_and_not_rewarded(
    client, shop, referral_rule
):
    from tests.factories import UserFactory

    referrer = UserFactory(
        email="anna.stark@gmail.com", date_joined=timezone.now() - datetime.timedelta(days=90)
    )
    code = code_for_member(referrer).code
    send_order(client, order_payload(email="annastark+shop@gmail.com", discount_codes=[code]))
    referral = Referral.objects.get(referrer=referrer)
    assert referral.status == ReferralStatus.REJECTED
    assert "aliased_email" in referral.reasons
    assert _points(referrer) == (0, 0)


def test_a_repeat_customer_is_held_for_review_and_not_rewarded(
    client, shop, referrer, referral_rule
):
    code = code_for_member(referrer).code
    earlier = timezone.now() - datetime.timedelta(days=60)
    first = order_payload(email="rickon@example.org", placed_at=earlier)
    send_order(client, first)
    send_order(
        client,
        order_payload(
            email="rickon@example.org",
            customer_id=first["customer"]["id"],
            landing_site=f"/?ref={code}",
        ),
    )
    referral = Referral.objects.get(referrer=referrer)
    assert referral.status == ReferralStatus.HELD
    assert referral.reasons == ["repeat_customer"]
    assert _points(referrer) == (0, 0)


def test_a_disposable_email_is_held_for_review_until_staff_approve_it(
    client, shop, referrer, referral_rule, django_capture_on_commit_callbacks
):
    from flywheel.referrals.services import approve_held_referral
    from tests.factories import AdminFactory

    code = code_for_member(referrer).code
    send_order(client, order_payload(email="hodor@mailinator.com", discount_codes=[code]))
    referral = Referral.objects.get(referrer=referrer)
    assert (referral.status, referral.reasons) == (ReferralStatus.HELD, ["disposable_email"])
    assert _points(referrer) == (0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        approve_held_referral(referral=referral, by=AdminFactory())
    assert _points(referrer) == (0, 100)


def test_an_unpaid_order_does_not_convert_until_it_is_paid(client, shop, referrer, referral_rule):
    code = code_for_member(referrer).code
    order = order_payload(email="meera@example.org", discount_codes=[code], status="pending")
    send_order(client, order, name="orders_create_pending")
    assert not Referral.objects.exists()
    order["financial_status"] = "paid"
    order["updated_at"] = timezone.now().isoformat()
    send_order(client, order)
    assert Referral.objects.get().status == ReferralStatus.PENDING


def test_only_the_first_touch_counts_for_a_friend(client, shop, referrer, referral_rule):
    from tests.factories import UserFactory

    other = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=90))
    first = code_for_member(referrer).code
    second = code_for_member(other).code
    send_order(client, order_payload(email="jojen@example.org", discount_codes=[first]))
    send_order(client, order_payload(email="jojen@example.org", discount_codes=[second]))
    assert list(Referral.objects.values_list("referrer_id", flat=True)) == [referrer.pk]
