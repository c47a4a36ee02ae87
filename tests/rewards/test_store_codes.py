"""Discount perks and tier entry rewards create real single-use codes through the store
adapter, here against the commerce tests' local fake Shopify server."""

from decimal import Decimal

import pytest

from flywheel.rewards import services
from flywheel.rewards.models import PointsAccount, Redemption, TierPromotion
from flywheel.rewards.rules import apply_rules_for_activity
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import AdminFactory
from tests.rewards.conftest import activity, make_perk, make_rule, make_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(settings, db):
    store, fake = connect_fake_shop("shopify", settings, currency="EUR")
    yield fake
    fake.stop()


def test_a_discount_perk_creates_a_single_use_code_in_the_shop(member, shop):
    services.adjust_points(member=member, points=500, reason="test", by=AdminFactory())
    perk = make_perk(
        kind="discount_code",
        cost_points=300,
        discount_kind="percentage",
        discount_value=Decimal("10"),
    )
    redemption = services.redeem_perk(member=member, perk=perk)
    assert redemption.status == Redemption.Status.FULFILLED
    assert redemption.code
    assert redemption.code_url.endswith(f"/discount/{redemption.code}")
    rule = next(iter(shop.price_rules.values()))
    assert rule["usage_limit"] == 1
    assert rule["value_type"] == "percentage"
    assert [code["code"] for code in shop.discount_codes.values()] == [redemption.code]
    assert PointsAccount.objects.get(member=member).balance == 200


def test_a_shop_error_returns_the_points_and_marks_the_redemption_failed(member, shop):
    services.adjust_points(member=member, points=500, reason="test", by=AdminFactory())
    shop.fail("price_rules.json", method="POST", status=422, times=None)
    perk = make_perk(
        kind="discount_code", cost_points=300, discount_kind="percentage", discount_value=10
    )
    redemption = services.redeem_perk(member=member, perk=perk)
    assert redemption.status == Redemption.Status.FAILED
    assert redemption.error
    assert PointsAccount.objects.get(member=member).balance == 500


def test_promotion_issues_the_entry_code_once(member, shop, django_capture_on_commit_callbacks):
    make_rule(verb="event_attended", points=10)
    gold = make_tier(
        rank=1, min_points=10, entry_reward_kind="percentage", entry_reward_value=Decimal("15")
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_rules_for_activity(activity(actor=member, verb="event_attended"))
        apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    promotion = TierPromotion.objects.get(member=member, tier=gold)
    assert promotion.reward_status == TierPromotion.RewardStatus.ISSUED
    assert promotion.reward_code
    assert len(shop.discount_codes) == 1
    assert services.issue_entry_reward(promotion.pk).reward_code == promotion.reward_code
    assert len(shop.discount_codes) == 1
