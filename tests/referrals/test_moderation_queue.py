"""Held referrals wait in the moderation queue with their reasons (hooks.review_targets):
the staff who handle money decide them there or on the referrals staff page, and the other
place follows. Moderators without that right neither see nor decide them."""

import pytest
from django.urls import reverse

from flywheel.moderation.models import ModerationAction, ReviewItem, ReviewState
from flywheel.referrals import queue
from flywheel.referrals.models import Referral, ReferralStatus
from flywheel.referrals.services import code_for_member
from flywheel.rewards.models import PointsAccount
from tests.factories import AdminFactory, ModeratorFactory, UserFactory
from tests.referrals.orders import order_payload, send_order

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def _points(member):
    account = PointsAccount.objects.filter(member=member).first()
    return (account.balance, account.pending) if account else (0, 0)


@pytest.fixture
def held(client, shop, referrer, referral_rule):
    code = code_for_member(referrer).code
    send_order(client, order_payload(email="hodor@mailinator.com", discount_codes=[code]))
    referral = Referral.objects.get(referrer=referrer)
    assert referral.status == ReferralStatus.HELD
    return referral


def _item(referral):
    return ReviewItem.objects.get(target_id=referral.pk, target_type__model="referral")


def _decide(client, referral, **data):
    return client.post(
        reverse("moderation:queue_action", kwargs={"item_id": _item(referral).pk}), data
    )


def test_a_held_referral_waits_in_the_moderation_queue_with_its_reasons(client, held, referrer):
    item = _item(held)
    assert item.state == ReviewState.OPEN
    assert item.subject == referrer
    client.force_login(AdminFactory())
    page = client.get(QUEUE).content.decode()
    assert "Held referral: Anna Referrer" in page
    assert "The friend used a disposable e-mail address." in page


def test_staff_approving_it_in_the_queue_rewards_the_referrer(client, held, referrer):
    client.force_login(AdminFactory())
    assert _decide(client, held, action="approve").status_code == 302
    held.refresh_from_db()
    assert held.status == ReferralStatus.PENDING
    assert _points(referrer) == (0, 100)
    assert _item(held).state == ReviewState.RESOLVED
    # Nothing is left to decide on the referrals staff page either.
    assert "hodor" not in client.get("/referrals/staff/review/").content.decode()


def test_staff_rejecting_it_in_the_queue_needs_a_reason_and_rewards_nothing(client, held, referrer):
    client.force_login(AdminFactory())
    response = _decide(client, held, action="reject", reason="")
    assert response.status_code == 422  # the reason is required
    held.refresh_from_db()
    assert held.status == ReferralStatus.HELD
    assert _decide(client, held, action="reject", reason="A throwaway inbox").status_code == 302
    held.refresh_from_db()
    assert held.status == ReferralStatus.REJECTED
    assert _points(referrer) == (0, 0)
    assert ModerationAction.objects.filter(action="reject", reason="A throwaway inbox").exists()


def test_a_moderator_without_the_money_right_neither_sees_nor_decides_it(client, held):
    client.force_login(ModeratorFactory())
    assert "Held referral" not in client.get(QUEUE).content.decode()
    assert _decide(client, held, action="approve").status_code == 403
    response = client.post(
        f"/api/v1/moderation/queue/{_item(held).pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == ReferralStatus.HELD


def test_a_member_cannot_decide_it(client, held, referrer):
    client.force_login(referrer)
    assert _decide(client, held, action="approve").status_code == 403
    held.refresh_from_db()
    assert held.status == ReferralStatus.HELD


def test_staff_deciding_on_the_referrals_page_closes_the_queue_item(client, held, referrer):
    client.force_login(AdminFactory())
    response = client.post(f"/referrals/staff/review/{held.pk}/reject/")
    assert response.status_code == 302
    assert _item(held).state == ReviewState.RESOLVED
    assert "Held referral" not in client.get(QUEUE).content.decode()


def test_the_api_queue_decides_a_held_referral_for_staff(client, held, referrer):
    client.force_login(AdminFactory())
    response = client.post(
        f"/api/v1/moderation/queue/{_item(held).pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    held.refresh_from_db()
    assert held.status == ReferralStatus.PENDING


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_page_stays_flat_with_held_referrals(
    count, client, referrer, django_assert_num_queries
):
    code = code_for_member(referrer)
    for index in range(count):
        referral = Referral.objects.create(
            referrer=referrer,
            code=code,
            referred_key=f"friend{index}@mailinator.com",
            referred_member=UserFactory(),
            source="discount_code",
            status=ReferralStatus.HELD,
            reasons=["disposable_email"],
        )
        queue.open_queue_item(referral)
    client.force_login(AdminFactory())
    client.get(QUEUE)
    # session, member, count, items (with subjects and target types), flags, spaces list
    with django_assert_num_queries(6):
        response = client.get(QUEUE)
    assert response.content.decode().count("Held referral: Anna Referrer") == count


def test_erasing_the_referrer_leaves_nothing_to_decide_in_the_queue(client, held, referrer):
    from flywheel.privacy.services import erase_member

    erase_member(referrer, reason="asked to be forgotten")
    assert not Referral.objects.filter(pk=held.pk).exists()
    assert not ReviewItem.objects.filter(
        target_id=held.pk, target_type__model="referral", state=ReviewState.OPEN
    ).exists()
    client.force_login(AdminFactory())
    assert "Held referral" not in client.get(QUEUE).content.decode()
