"""Rewards in a member's data export and account erasure (flywheel.privacy registry)."""

from decimal import Decimal

import pytest

from flywheel.privacy.services import collect_member_data, erase_member
from flywheel.rewards import queries, services
from flywheel.rewards.models import (
    LedgerEntry,
    MemberOfTheMonth,
    Nomination,
    Period,
    PointsAccount,
    StandingDiscount,
    TierPromotion,
)
from flywheel.rewards.rules import apply_rules_for_activity
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import AdminFactory, UserFactory
from tests.rewards.conftest import activity, make_perk, make_rule, make_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_rule(db):
    return make_rule(verb="event_attended", points=10)


def earn(member, times=1):
    for _ in range(times):
        apply_rules_for_activity(activity(actor=member, verb="event_attended"))


def test_the_export_holds_my_balance_ledger_redemptions_with_codes_and_nominations(
    member, other_member, event_rule
):
    earn(member, 6)
    perk = make_perk(name="Field notes", cost_points=50)
    services.redeem_perk(member=member, perk=perk)
    services.nominate(nominator=member, nominee_handle=other_member.handle, reason="Always kind")
    services.nominate(nominator=other_member, nominee_handle=member.handle, reason="So helpful")

    data = collect_member_data(member)[0]["rewards"]

    assert data["account"]["balance"] == 10 and data["account"]["lifetime_earned"] == 60
    assert [entry["kind"] for entry in data["ledger"]] == ["award"] * 6 + ["redeem"]
    [redemption] = data["redemptions"]
    assert redemption["perk"] == "Field notes" and redemption["points"] == 50
    assert data["nominations_made"] == [
        {
            "nominee": other_member.handle,
            "month": data["nominations_made"][0]["month"],
            "reason": "Always kind",
        }
    ]
    # What others said about me, without who said it.
    assert [row["reason"] for row in data["nominations_received"]] == ["So helpful"]
    assert other_member.handle not in str(data["nominations_received"])
    assert collect_member_data(other_member)[0]["rewards"]["account"]["balance"] == 0


def test_the_export_includes_a_redeemed_store_code(member, event_rule, settings):
    _store, fake = connect_fake_shop("shopify", settings, currency="EUR")
    try:
        earn(member, 5)
        perk = make_perk(
            kind="discount_code",
            cost_points=50,
            discount_kind="percentage",
            discount_value=Decimal("10"),
        )
        redemption = services.redeem_perk(member=member, perk=perk)
    finally:
        fake.stop()

    [exported] = collect_member_data(member)[0]["rewards"]["redemptions"]
    assert exported["code"] == redemption.code != ""


def test_erasure_keeps_the_ledger_as_anonymous_aggregates_and_leaves_the_leaderboard(
    member, other_member, event_rule
):
    earn(member, 3)
    earn(other_member, 1)
    entries = LedgerEntry.objects.filter(member=member).count()

    erase_member(member, content="anonymise", reason="member request")

    # The ledger cannot change: it stays, on the tombstone account that names no one.
    assert LedgerEntry.objects.filter(member=member).count() == entries
    assert PointsAccount.objects.get(member=member).lifetime_earned == 30
    board = queries.leaderboard(Period.ALL)
    assert [score.member_id for score in board.top] == [other_member.pk]


def test_erasure_removes_nominations_of_me_and_the_citation_and_keeps_mine_anonymised(
    member, other_member
):
    services.nominate(nominator=other_member, nominee_handle=member.handle, reason="So helpful")
    services.nominate(nominator=member, nominee_handle=other_member.handle, reason="Always kind")
    services.pick_member_of_the_month(
        member=member, citation="Anna helped 40 people", by=AdminFactory()
    )

    erase_member(member, content="anonymise", reason="member request")

    assert not Nomination.objects.filter(nominee=member).exists()
    assert Nomination.objects.get(nominator=member).reason == "Always kind"
    assert MemberOfTheMonth.objects.get(member=member).citation == ""
    assert queries.featured_member_of_the_month() is None


def test_erasure_with_delete_blanks_the_reasons_i_wrote(member, other_member):
    services.nominate(nominator=member, nominee_handle=other_member.handle, reason="Always kind")

    erase_member(member, content="delete", reason="member request")

    nomination = Nomination.objects.get(nominator=member)
    assert nomination.reason == "" and nomination.nominee == other_member


def test_erasure_cancels_a_pending_entry_reward(
    member, event_rule, django_capture_on_commit_callbacks
):
    gold = make_tier(
        rank=1, min_points=10, entry_reward_kind="percentage", entry_reward_value=Decimal("15")
    )
    with django_capture_on_commit_callbacks(execute=True):
        earn(member)  # no shop connected: the reward stays pending
    assert TierPromotion.objects.get(member=member, tier=gold).reward_status == "pending"

    erase_member(member, content="anonymise", reason="member request")

    promotion = TierPromotion.objects.get(member=member, tier=gold)
    assert promotion.reward_status == TierPromotion.RewardStatus.NONE


def test_erasure_retires_my_standing_discount_and_deletes_it_in_the_shop(
    member, other_member, event_rule, settings, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_STORE_API_BACKOFF_SECONDS = 0
    _store, fake = connect_fake_shop("shopify", settings, currency="EUR")
    try:
        make_tier(rank=1, slug="silver", min_points=10, member_discount_percent=Decimal("5"))
        with django_capture_on_commit_callbacks(execute=True):
            earn(member)
            earn(other_member)
        mine = services.current_standing_discount(member.pk)
        theirs = services.current_standing_discount(other_member.pk)
        assert mine.status == StandingDiscount.Status.ACTIVE

        with django_capture_on_commit_callbacks(execute=True):
            erase_member(member, content="anonymise", reason="member request")

        mine.refresh_from_db()
        assert mine.status == StandingDiscount.Status.DISABLED
        assert mine.disabled_at is not None  # the shop deleted it
        codes = sorted(record["code"] for record in fake.discount_codes.values())
        assert codes == [theirs.code]
    finally:
        fake.stop()


def test_another_member_is_untouched_by_my_erasure(member, event_rule):
    other = UserFactory()
    earn(other, 2)

    erase_member(member, content="delete", reason="member request")

    assert PointsAccount.objects.get(member=other).balance == 20
