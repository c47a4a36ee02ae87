"""Rules are applied from the Activity log, so the ledger can be rebuilt from it: replaying
the log from scratch gives exactly the ledger that applying it as it happened gave."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flywheel.core.models import Activity
from flywheel.rewards.models import (
    Beneficiary,
    LeaderboardScore,
    LedgerEntry,
    PointsAccount,
    TierPromotion,
)
from flywheel.rewards.rules import apply_rules_for_activity, recompute
from tests.factories import UserFactory
from tests.rewards.conftest import activity, make_rule, make_tier

pytestmark = pytest.mark.django_db

MEMBERS = 3


def install_programme():
    make_rule(name="reply", verb="reply_created", points=5, min_length=20, daily_cap=12)
    make_rule(name="first topic", verb="topic_created", points=20, first_time_only=True)
    make_rule(name="topic", verb="topic_created", points=3)
    make_rule(
        name="reaction",
        verb="reaction_added",
        points=1,
        daily_cap=3,
        beneficiary=Beneficiary.PAYLOAD_MEMBER,
        beneficiary_key="author_id",
    )
    make_rule(
        name="answer",
        verb="answer_accepted",
        points=15,
        beneficiary=Beneficiary.PAYLOAD_MEMBER,
        beneficiary_key="answerer_id",
    )
    make_rule(
        name="purchase",
        verb="order_placed",
        points=0,
        points_per_unit=Decimal("0.5"),
        pending_refund_window=True,
    )
    make_tier(rank=1, min_points=40, points_multiplier=Decimal("1.5"))
    make_tier(rank=2, min_points=120, points_multiplier=Decimal("2"))


step = st.tuples(
    st.sampled_from(
        [
            "reply_created",
            "topic_created",
            "reaction_added",
            "answer_accepted",
            "post_deleted",
            "order_placed",
            "order_refunded",
        ]
    ),
    st.integers(0, MEMBERS - 1),  # actor
    st.integers(0, MEMBERS - 1),  # the other member (author, answerer)
    st.integers(0, 60),  # length, or an amount
    st.integers(1, 20 * 60),  # minutes since the previous activity
    st.integers(0, 5),  # which earlier post / order it is about
)


def log_activities(members, steps) -> None:
    """Turn random steps into an Activity log like the services write."""
    # Starts 40 days back, so later orders are still inside the 30-day refund window.
    at = timezone.now() - datetime.timedelta(days=40)
    posts: list[int] = []
    orders: list[tuple[int, int]] = []
    for index, (verb, actor, other, number, minutes, pick) in enumerate(steps):
        at += datetime.timedelta(minutes=minutes)
        actor_member, other_member = members[actor], members[other]
        payload: dict = {}
        target_id = None
        if verb in ("reply_created", "topic_created"):
            post_id = 1000 + index
            posts.append(post_id)
            payload = {"length": number, "post_id": post_id}
            target_id = post_id
        elif verb == "reaction_added":
            payload = {"author_id": other_member.pk, "kind": "like"}
        elif verb == "answer_accepted":
            target_id = posts[pick % len(posts)] if posts else 1
            payload = {"answerer_id": other_member.pk}
        elif verb == "post_deleted":
            if not posts:
                continue
            target_id = posts[pick % len(posts)]
        elif verb == "order_placed":
            order_id = 500 + index
            orders.append((order_id, number * 3))
            target_id = order_id
            payload = {"order_id": order_id, "total": str(number * 3), "currency": "EUR"}
        elif verb == "order_refunded":
            if not orders:
                continue
            order_id, total = orders[pick % len(orders)]
            target_id = order_id
            payload = {
                "order_id": order_id,
                "total": str(total),
                "amount": str(min(total, number)),
                "refund_id": index,
            }
        activity(actor=actor_member, verb=verb, at=at, payload=payload, target_id=target_id)


def snapshot() -> dict:
    """Everything points-related, minus the wall-clock time rows were written."""
    return {
        "entries": sorted(
            LedgerEntry.objects.values_list(
                "member_id",
                "kind",
                "points",
                "status",
                "source_key",
                "origin_key",
                "rule_id",
                "occurred_at",
                "available_at",
            )
        ),
        "accounts": sorted(
            PointsAccount.objects.values_list(
                "member_id", "balance", "pending", "lifetime_earned", "tier_id", "last_activity_at"
            )
        ),
        "scores": sorted(
            LeaderboardScore.objects.values_list(
                "member_id", "period", "period_start", "space_id", "points"
            )
        ),
        "promotions": sorted(TierPromotion.objects.values_list("member_id", "tier_id")),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=30))
def test_recomputing_from_the_log_gives_exactly_the_incremental_ledger(db, steps):
    with transaction.atomic():
        install_programme()
        members = [UserFactory() for _ in range(MEMBERS)]
        log_activities(members, steps)
        activities = list(Activity.objects.order_by("created_at", "id"))

        # As it happened: each activity handed to the consumer when it was logged.
        with transaction.atomic():
            for logged in activities:
                apply_rules_for_activity(logged)
            incremental = snapshot()
            transaction.set_rollback(True)

        assert not LedgerEntry.objects.exists()
        recompute()
        assert snapshot() == incremental
        # And replaying again adds nothing.
        assert recompute()[1] == 0
        assert snapshot() == incremental
        transaction.set_rollback(True)


def test_a_rule_added_later_is_back_applied_by_the_command(member, capsys):
    for _ in range(3):
        activity(actor=member, verb="event_attended")
    assert not LedgerEntry.objects.exists()
    make_rule(verb="event_attended", points=10)
    call_command("rewards", "recompute")
    out = capsys.readouterr().out
    assert "3/3 activities (100%)" in out
    assert "3 new ledger entries" in out
    assert PointsAccount.objects.get(member=member).balance == 30
    call_command("rewards", "recompute", "--quiet")
    assert "0 new ledger entries" in capsys.readouterr().out
    assert PointsAccount.objects.get(member=member).balance == 30


def test_recompute_refuses_a_since_without_a_time_zone(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO time"):
        call_command("rewards", "recompute", "--since", "2025-01-01")
