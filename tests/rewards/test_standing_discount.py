"""A tier's standing member discount is a personal, multi-use code in the real (local fake)
shop: created after promotion, deleted there on demotion, swapped when the percentage
changes, pending with the reason while there is no shop, and never created twice."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from flywheel.rewards import services, tasks
from flywheel.rewards.models import PointsAccount, StandingDiscount, Tier
from flywheel.rewards.rules import apply_rules_for_activity
from tests.api.conftest import ApiClient, token_for
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import AdminFactory
from tests.rewards.conftest import activity, days_ago, make_perk, make_rule, make_tier

pytestmark = pytest.mark.django_db

SEVENTY_DAYS_ON = datetime.timedelta(days=70)


@pytest.fixture
def event_rule(db):
    return make_rule(verb="event_attended", points=10)


@pytest.fixture
def silver(db):
    return make_tier(rank=1, slug="silver", min_points=10, member_discount_percent=Decimal("5"))


@pytest.fixture
def gold(db):
    return make_tier(rank=2, slug="gold", min_points=30, member_discount_percent=Decimal("7.5"))


@pytest.fixture
def connect(settings):
    """connect(platform="shopify") -> the started fake shop, with the rewards' Store row."""
    settings.FLYWHEEL_STORE_API_BACKOFF_SECONDS = 0
    started = []

    def make(platform="shopify"):
        _store, fake = connect_fake_shop(platform, settings, currency="EUR")
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.stop()


@pytest.fixture
def shop(connect):
    return connect("shopify")


@pytest.fixture
def earn(django_capture_on_commit_callbacks):
    """earn(member, times, at=None): attend events, with the after-commit work run."""

    def run(member, times=1, at=None):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(times):
                apply_rules_for_activity(activity(actor=member, verb="event_attended", at=at))

    return run


def evaluate_tiers_later(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.evaluate_tiers(now=timezone.now() + SEVENTY_DAYS_ON)


def current(member) -> StandingDiscount | None:
    return services.current_standing_discount(member.pk)


def live_codes(fake) -> list[str]:
    records = fake.discount_codes if fake.platform == "shopify" else fake.coupons
    return sorted(record["code"].upper() for record in records.values())


def price_rule_of(fake, code: str) -> dict:
    record = next(record for record in fake.discount_codes.values() if record["code"] == code)
    return fake.price_rules[record["price_rule_id"]]


# -- issuing ------------------------------------------------------------------------------


def test_promotion_issues_a_personal_multi_use_code_with_the_tiers_percent(
    member, event_rule, silver, gold, shop, earn
):
    earn(member, 3)

    discount = current(member)
    assert discount.status == StandingDiscount.Status.ACTIVE
    assert discount.tier == gold and discount.percent == Decimal("7.5")
    assert live_codes(shop) == [discount.code]
    rule = price_rule_of(shop, discount.code)
    assert rule["value_type"] == "percentage" and rule["value"] == "-7.5"
    assert rule["usage_limit"] is None and rule["once_per_customer"] is False
    assert rule["ends_at"] is None
    assert discount.url == f"https://shopify-shop.example.com/discount/{discount.code}"
    assert discount.error == ""


@pytest.mark.parametrize("platform", ["woocommerce", "bigcommerce"])
def test_other_platforms_get_an_unlimited_percentage_coupon(
    member, event_rule, gold, connect, earn, platform
):
    fake = connect(platform)
    earn(member, 3)

    discount = current(member)
    coupon = fake.coupons[int(discount.platform_id)]
    if platform == "woocommerce":
        assert coupon["discount_type"] == "percent" and coupon["amount"] == "7.50"
        sent = fake.requests_to("coupons", "POST")[0].body
        assert "usage_limit" not in sent and "usage_limit_per_user" not in sent
    else:
        assert coupon["type"] == "percentage_discount" and coupon["amount"] == "7.50"
        assert coupon["max_uses"] == 0 and coupon["max_uses_per_customer"] == 0


def test_a_tier_without_a_discount_gives_no_code(member, event_rule, shop, earn):
    make_tier(rank=1, min_points=10)
    earn(member)
    assert PointsAccount.objects.get(member=member).tier is not None
    assert current(member) is None
    assert shop.requests_to("price_rules.json", "POST") == []


# -- tier changes -------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "bigcommerce"])
def test_demotion_deletes_the_code_in_the_shop(
    member, event_rule, silver, connect, earn, django_capture_on_commit_callbacks, platform
):
    fake = connect(platform)
    earn(member, 1, at=days_ago(300))
    discount = current(member)
    assert live_codes(fake) == [discount.code.upper()]

    assert evaluate_tiers_later(django_capture_on_commit_callbacks) == (0, 1)

    assert current(member) is None
    discount.refresh_from_db()
    assert discount.status == StandingDiscount.Status.DISABLED
    assert discount.disabled_at is not None
    assert live_codes(fake) == []


def test_promotion_to_a_tier_with_another_percent_swaps_the_codes(
    member, event_rule, silver, gold, shop, earn
):
    earn(member)
    silver_code = current(member)
    assert silver_code.percent == Decimal("5")

    earn(member, 2)

    gold_code = current(member)
    assert gold_code.percent == Decimal("7.5") and gold_code.code != silver_code.code
    silver_code.refresh_from_db()
    assert silver_code.status == StandingDiscount.Status.DISABLED
    assert silver_code.disabled_at is not None
    assert live_codes(shop) == [gold_code.code]
    assert price_rule_of(shop, gold_code.code)["value"] == "-7.5"


def test_demotion_to_a_lower_discount_tier_swaps_the_codes(
    member, event_rule, silver, gold, shop, earn, django_capture_on_commit_callbacks
):
    earn(member, 2, at=days_ago(300))
    earn(member)
    gold_code = current(member)
    assert gold_code.tier == gold

    assert evaluate_tiers_later(django_capture_on_commit_callbacks) == (0, 1)

    silver_code = current(member)
    assert silver_code.tier == silver and silver_code.percent == Decimal("5")
    assert silver_code.status == StandingDiscount.Status.ACTIVE
    assert live_codes(shop) == [silver_code.code]


def test_moving_to_a_tier_with_the_same_percent_keeps_the_code(
    member, event_rule, silver, shop, earn
):
    same = make_tier(rank=2, slug="silver-plus", min_points=30, member_discount_percent=5)
    earn(member)
    before = current(member)

    earn(member, 2)

    after = current(member)
    assert after.pk == before.pk and after.code == before.code
    assert after.tier == same
    assert len(shop.requests_to("price_rules.json", "POST")) == 1


def test_spending_points_never_takes_the_code_away(member, event_rule, silver, shop, earn):
    earn(member)
    discount = current(member)
    services.redeem_perk(member=member, perk=make_perk(cost_points=10))
    assert services.evaluate_tiers() == (0, 0)
    assert tasks.retry_entry_rewards() == 0
    assert current(member).pk == discount.pk
    assert live_codes(shop) == [discount.code]


# -- no store, failures, retries ----------------------------------------------------------


def test_without_a_store_it_waits_pending_and_is_issued_once_a_store_is_connected(
    member, event_rule, gold, connect, earn
):
    earn(member, 3)
    discount = current(member)
    assert discount.status == StandingDiscount.Status.PENDING
    assert "No store is connected" in discount.error
    assert discount.code == ""
    tasks.retry_entry_rewards()
    assert current(member).attempts == 0  # waiting for a shop is not a failed attempt

    fake = connect("shopify")
    tasks.retry_entry_rewards()

    discount = current(member)
    assert discount.status == StandingDiscount.Status.ACTIVE and discount.error == ""
    assert live_codes(fake) == [discount.code]


def test_running_the_tasks_again_creates_nothing_twice(member, event_rule, gold, shop, earn):
    earn(member, 3)
    discount = current(member)

    tasks.sync_standing_discount(member.pk)
    tasks.sync_standing_discount(member.pk)
    assert tasks.retry_entry_rewards() == 0
    assert tasks.retry_entry_rewards() == 0

    assert current(member).pk == discount.pk
    assert len(shop.requests_to("price_rules.json", "POST")) == 1
    assert live_codes(shop) == [discount.code]
    assert StandingDiscount.objects.filter(member=member).count() == 1


def test_a_shop_error_keeps_it_pending_with_the_reason_until_the_retry(
    member, event_rule, gold, shop, earn
):
    shop.fail("price_rules.json", method="POST", status=422, times=1)
    earn(member, 3)
    discount = current(member)
    assert discount.status == StandingDiscount.Status.PENDING
    assert "HTTP 422" in discount.error and discount.attempts == 1

    assert tasks.retry_entry_rewards() == 1

    discount.refresh_from_db()
    assert discount.status == StandingDiscount.Status.ACTIVE
    assert live_codes(shop) == [discount.code]


def test_a_delete_the_shop_refuses_is_retried_by_the_hourly_task(
    member, event_rule, silver, shop, earn, django_capture_on_commit_callbacks
):
    earn(member, 1, at=days_ago(300))
    discount = current(member)
    rule_id = discount.platform_id.split("/")[0]
    shop.fail(f"price_rules/{rule_id}.json", method="DELETE", status=503, times=None)

    evaluate_tiers_later(django_capture_on_commit_callbacks)

    discount.refresh_from_db()
    assert discount.status == StandingDiscount.Status.DISABLED
    assert discount.disabled_at is None and "503" in discount.error
    assert live_codes(shop) == [discount.code]

    shop.faults.clear()
    assert tasks.retry_entry_rewards() == 1

    discount.refresh_from_db()
    assert discount.disabled_at is not None and discount.error == ""
    assert live_codes(shop) == []
    assert tasks.retry_entry_rewards() == 0


def test_members_in_a_tier_whose_percent_staff_change_get_a_new_code_hourly(
    member, event_rule, silver, shop, earn
):
    earn(member)
    old = current(member)

    Tier.objects.filter(pk=silver.pk).update(member_discount_percent=Decimal("6"))
    assert tasks.retry_entry_rewards() == 1

    new = current(member)
    assert new.percent == Decimal("6") and new.code != old.code
    assert live_codes(shop) == [new.code]


def test_a_deactivated_member_loses_the_code_at_the_hourly_task(
    member, event_rule, silver, shop, earn
):
    earn(member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert tasks.retry_entry_rewards() == 1

    assert current(member) is None
    assert live_codes(shop) == []


# -- where members see it -----------------------------------------------------------------


def test_the_wallet_shows_the_active_code_and_its_percent(
    client, member, event_rule, gold, shop, earn
):
    earn(member, 3)
    code = current(member).code
    client.force_login(member)

    html = client.get(reverse("rewards:wallet")).content.decode()

    assert 'id="wallet-standing-discount" data-status="active" data-percent="7.50"' in html
    assert f'<code class="fs-6 user-select-all" data-code>{code}</code>' in html
    assert "7.50% off every order" in html


def test_the_wallet_says_a_pending_code_is_being_prepared(client, member, event_rule, gold, earn):
    earn(member, 3)
    client.force_login(member)

    html = client.get(reverse("rewards:wallet")).content.decode()

    assert 'data-status="pending"' in html
    assert "The personal code is being prepared in the shop." in html


def test_another_member_never_sees_the_code(client, member, other_member, event_rule, gold, earn):
    earn(member, 3)
    client.force_login(other_member)
    response = client.get(reverse("rewards:member_ledger", kwargs={"handle": member.handle}))
    assert response.status_code == 404
    body = ApiClient(token=token_for(other_member)).get("/rewards/me").json()
    assert body["standing_discount"] is None


def test_the_api_shows_the_active_code_with_its_percent(member, event_rule, gold, shop, earn):
    earn(member, 3)
    discount = current(member)

    body = ApiClient(token=token_for(member)).get("/rewards/me").json()

    assert body["standing_discount"] == {
        "status": "active",
        "percent": "7.50",
        "code": discount.code,
        "url": discount.url,
        "tier": "gold",
    }


# -- staff --------------------------------------------------------------------------------


def test_staff_see_the_codes_and_can_ask_the_shop_again(
    client, member, event_rule, gold, shop, earn
):
    shop.fail("price_rules.json", method="POST", status=422, times=None)
    earn(member, 3)
    discount = current(member)
    StandingDiscount.objects.filter(pk=discount.pk).update(attempts=10)
    shop.faults.clear()
    assert tasks.retry_entry_rewards() == 0  # out of attempts
    client.force_login(AdminFactory())
    url = reverse("admin:rewards_standingdiscount_changelist")
    assert client.get(url).status_code == 200

    client.post(url, {"action": "sync_again", "_selected_action": [discount.pk]})

    discount.refresh_from_db()
    assert discount.status == StandingDiscount.Status.ACTIVE
    assert live_codes(shop) == [discount.code]


def test_members_cannot_open_the_standing_discount_admin(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:rewards_standingdiscount_changelist"))
    assert response.status_code == 302
