"""VIP tiers: earned by points or spend in the qualifying period, with their benefits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from flywheel.community.models import Visibility
from flywheel.community.permissions import can_view_space
from flywheel.rewards import services
from flywheel.rewards.models import PointsAccount, TierPromotion
from flywheel.rewards.rules import apply_rules_for_activity
from tests.factories import AdminFactory, SpaceFactory
from tests.rewards.conftest import (
    activity,
    days_ago,
    make_perk,
    make_rule,
    make_tier,
    order_activity,
    refund_activity,
    stop_activity,
)

pytestmark = pytest.mark.django_db


def account(member) -> PointsAccount:
    return PointsAccount.objects.select_related("tier").get(member=member)


def earn(member, times=1, at=None):
    for _ in range(times):
        apply_rules_for_activity(activity(actor=member, verb="event_attended", at=at))


@pytest.fixture
def event_rule(db):
    return make_rule(verb="event_attended", points=10)


def test_a_member_is_promoted_as_soon_as_they_earn_enough(member, event_rule):
    gold = make_tier(rank=1, name="Gold", min_points=30)
    earn(member, 2)
    assert account(member).tier is None
    earn(member)
    assert account(member).tier == gold
    assert TierPromotion.objects.filter(member=member, tier=gold).count() == 1


def test_the_tier_multiplier_applies_to_points_earned_after_promotion(member, event_rule):
    make_tier(rank=1, min_points=20, points_multiplier=Decimal("1.5"))
    earn(member, 3)  # 10, 10 (now in the tier), then 15
    assert account(member).balance == 35


def test_spending_points_never_demotes(member, event_rule):
    gold = make_tier(rank=1, min_points=30)
    earn(member, 3)
    services.redeem_perk(member=member, perk=make_perk(cost_points=30))
    assert account(member).balance == 0
    assert services.evaluate_tiers() == (0, 0)
    assert account(member).tier == gold


def test_points_that_age_out_of_the_rolling_year_demote_at_the_daily_check(member, event_rule):
    make_tier(rank=1, min_points=30)
    earn(member, 3, at=days_ago(300))
    assert account(member).tier is not None
    assert services.evaluate_tiers(now=timezone.now() + datetime.timedelta(days=70)) == (0, 1)
    assert account(member).tier is None


def test_with_calendar_years_a_tier_holds_through_the_next_year(member, event_rule, settings):
    settings.FLYWHEEL_VIP_PERIOD = "calendar_year"
    make_tier(rank=1, min_points=30)
    last_year = timezone.now().replace(year=timezone.now().year - 1, month=6, day=1)
    earn(member, 3, at=last_year)
    assert services.evaluate_tiers() == (0, 0)
    assert account(member).tier is not None
    two_years_on = timezone.now().replace(year=timezone.now().year + 1, month=2, day=1)
    assert services.evaluate_tiers(now=two_years_on) == (0, 1)


def test_spend_over_the_period_qualifies_too(member):
    make_rule(verb="order_placed", points=0, points_per_unit=Decimal("0.1"))
    silver = make_tier(rank=1, min_points=10_000, min_spend=Decimal("300"))
    apply_rules_for_activity(order_activity(actor=member, order_id=1, total="200", at=days_ago(40)))
    assert account(member).tier is None
    apply_rules_for_activity(order_activity(actor=member, order_id=2, total="150", at=days_ago(35)))
    assert account(member).tier == silver


def spend(member) -> Decimal:
    return services.qualification(member.pk, at=timezone.now(), need_spend=True)[1]


def test_tier_spend_never_adds_another_currency_as_it_is(member, settings):
    settings.FLYWHEEL_REWARDS_CURRENCY = "EUR"
    silver = make_tier(rank=1, min_points=10_000, min_spend=Decimal("300"))
    order_activity(actor=member, order_id=1, total="200.00", currency="EUR", at=days_ago(3))
    order_activity(actor=member, order_id=2, total="200.00", currency="USD", at=days_ago(2))

    assert spend(member) == Decimal("200.00")
    assert services.qualified_tier(member.pk, at=timezone.now()) is None

    settings.FLYWHEEL_REWARDS_EXCHANGE_RATES = "USD=0.5, GBP=1.17"
    assert spend(member) == Decimal("300.00")
    assert services.qualified_tier(member.pk, at=timezone.now()) == silver


def test_tier_spend_is_counted_in_the_first_stores_currency_unless_configured(member, settings):
    from tests.commerce.webhook_helpers import make_store

    settings.FLYWHEEL_REWARDS_CURRENCY = ""
    make_store("shopify", currency="USD")
    make_store("woocommerce", currency="EUR")
    order_activity(actor=member, order_id=1, total="80.00", currency="EUR", at=days_ago(3))
    order_activity(actor=member, order_id=2, total="50.00", currency="USD", at=days_ago(2))

    assert services.programme_currency() == "USD"
    assert spend(member) == Decimal("50.00")


def test_an_order_that_stopped_counting_adds_nothing_to_tier_spend(member, settings):
    settings.FLYWHEEL_REWARDS_CURRENCY = "EUR"
    order_activity(actor=member, order_id=1, total="100.00", at=days_ago(5))
    order_activity(actor=member, order_id=2, total="70.00", at=days_ago(4))
    refund_activity(
        actor=member, order_id=2, total="70.00", amount="20.00", refund_id=1, at=days_ago(3)
    )
    assert spend(member) == Decimal("150.00")

    stop_activity(actor=member, order_id=1, at=days_ago(1))

    assert spend(member) == Decimal("50.00")


def test_a_badly_written_rate_table_is_refused_with_its_entry(member, settings):
    make_tier(rank=1, min_points=10_000, min_spend=Decimal("300"))
    settings.FLYWHEEL_REWARDS_EXCHANGE_RATES = "USD:0.9"
    with pytest.raises(ImproperlyConfigured, match="USD:0.9"):
        spend(member)


def test_an_entry_reward_without_a_store_is_recorded_pending_with_the_error(
    member, event_rule, django_capture_on_commit_callbacks
):
    gold = make_tier(
        rank=1,
        min_points=10,
        entry_reward_kind="percentage",
        entry_reward_value=Decimal("15"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        earn(member)
    promotion = TierPromotion.objects.get(member=member, tier=gold)
    assert promotion.reward_status == TierPromotion.RewardStatus.PENDING
    assert "store" in promotion.reward_error.lower()
    assert promotion.reward_attempts == 1
    assert promotion.reward_code == ""


def test_the_entry_reward_is_given_once_even_after_demotion_and_promotion_again(member, event_rule):
    gold = make_tier(
        rank=1, min_points=30, entry_reward_kind="percentage", entry_reward_value=Decimal("10")
    )
    earn(member, 3, at=days_ago(300))
    services.evaluate_tiers(now=timezone.now() + datetime.timedelta(days=70))
    assert account(member).tier is None
    earn(member, 3)
    assert account(member).tier == gold
    assert TierPromotion.objects.filter(member=member, tier=gold).count() == 1


def test_a_tier_opens_its_gated_space_and_the_tiers_above_it(member, other_member, event_rule):
    lounge = SpaceFactory(visibility=Visibility.GATED)
    gold = make_tier(rank=1, min_points=10)
    make_tier(rank=2, min_points=20)
    gold.gated_spaces.add(lounge)
    assert not can_view_space(member, lounge)
    earn(member, 2)  # straight to rank 2
    assert can_view_space(member, lounge)
    assert not can_view_space(other_member, lounge)


def test_a_perk_for_a_higher_tier_is_refused_below_it(member, event_rule):
    black = make_tier(rank=2, name="Black", min_points=1000)
    earn(member, 10)
    with pytest.raises(services.PerkUnavailable, match="Black"):
        services.redeem_perk(member=member, perk=make_perk(cost_points=10, min_tier=black))


def test_an_early_access_perk_opens_its_space_and_shows_the_secret_link(member):
    launch = SpaceFactory(visibility=Visibility.GATED)
    services.adjust_points(member=member, points=100, reason="launch", by=AdminFactory())
    perk = make_perk(
        kind="early_access", cost_points=60, space=launch, secret_url="https://shop.example/p/x1"
    )
    assert not can_view_space(member, launch)
    redemption = services.redeem_perk(member=member, perk=perk)
    assert redemption.code_url == "https://shop.example/p/x1"
    assert can_view_space(member, launch)
