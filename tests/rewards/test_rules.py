"""The rules engine: which activity earns what, for whom, within which limits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from flywheel.rewards.models import Beneficiary, EntryKind, LedgerEntry, PointsAccount
from flywheel.rewards.rules import apply_rules_for_activity
from tests.factories import UserFactory
from tests.rewards.conftest import activity, days_ago, make_rule, order_activity

pytestmark = pytest.mark.django_db


def balance(member) -> int:
    account = PointsAccount.objects.filter(member=member).first()
    return account.balance if account else 0


def test_a_reply_of_twenty_characters_earns_the_rule_points(member, reply_rule):
    apply_rules_for_activity(activity(actor=member, verb="reply_created", payload={"length": 20}))
    assert balance(member) == 10


def test_a_reply_shorter_than_the_minimum_earns_nothing(member, reply_rule):
    apply_rules_for_activity(activity(actor=member, verb="reply_created", payload={"length": 19}))
    assert balance(member) == 0
    assert not LedgerEntry.objects.exists()


def test_an_accepted_answer_rewards_the_answerer_not_the_member_who_accepted(
    member, other_member, answer_rule
):
    apply_rules_for_activity(
        activity(actor=member, verb="answer_accepted", payload={"answerer_id": other_member.pk})
    )
    assert balance(other_member) == 25
    assert balance(member) == 0


def test_accepting_your_own_answer_earns_nothing(member, answer_rule):
    apply_rules_for_activity(
        activity(actor=member, verb="answer_accepted", payload={"answerer_id": member.pk})
    )
    assert balance(member) == 0


def test_a_reaction_from_someone_else_rewards_the_post_author(member, other_member):
    make_rule(
        verb="reaction_added",
        points=2,
        beneficiary=Beneficiary.PAYLOAD_MEMBER,
        beneficiary_key="author_id",
    )
    apply_rules_for_activity(
        activity(actor=member, verb="reaction_added", payload={"author_id": other_member.pk})
    )
    apply_rules_for_activity(
        activity(actor=member, verb="reaction_added", payload={"author_id": member.pk})
    )
    assert balance(other_member) == 2
    assert balance(member) == 0


def test_the_daily_cap_stops_earning_for_the_rest_of_the_day(member):
    make_rule(verb="reply_created", points=10, daily_cap=25)
    morning = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    for minutes in range(4):
        apply_rules_for_activity(
            activity(
                actor=member,
                verb="reply_created",
                at=morning + datetime.timedelta(minutes=minutes),
            )
        )
    # 10 + 10 + 5 (what is left of the cap) + 0
    assert balance(member) == 25
    apply_rules_for_activity(
        activity(actor=member, verb="reply_created", at=morning + datetime.timedelta(days=1))
    )
    assert balance(member) == 35


def test_a_first_time_only_rule_pays_once(member):
    make_rule(verb="topic_created", points=20, first_time_only=True)
    for _ in range(3):
        apply_rules_for_activity(activity(actor=member, verb="topic_created"))
    assert balance(member) == 20


def test_a_review_counts_only_with_a_photo(member):
    make_rule(verb="review_published", points=15, conditions={"payload_truthy": ["has_photo"]})
    apply_rules_for_activity(activity(actor=member, verb="review_published", payload={}))
    apply_rules_for_activity(
        activity(actor=member, verb="review_published", payload={"has_photo": True})
    )
    assert balance(member) == 15


def test_an_event_attended_earns_points(member):
    make_rule(verb="event_attended", points=10)
    apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    assert balance(member) == 10


def test_payload_equals_picks_only_matching_activities(member):
    make_rule(verb="topic_created", points=3, conditions={"payload_equals": {"kind": "question"}})
    apply_rules_for_activity(
        activity(actor=member, verb="topic_created", payload={"kind": "discussion"})
    )
    apply_rules_for_activity(
        activity(actor=member, verb="topic_created", payload={"kind": "question"})
    )
    assert balance(member) == 3


def test_a_purchase_earns_points_per_currency_unit_rounded_down(member):
    make_rule(verb="order_placed", points=0, points_per_unit=Decimal("2"))
    apply_rules_for_activity(order_activity(actor=member, order_id=7, total="49.99"))
    assert balance(member) == 99


def test_a_purchase_rule_can_require_a_currency_and_a_minimum(member):
    make_rule(
        verb="order_placed",
        points=0,
        points_per_unit=Decimal("1"),
        conditions={"currency": "EUR", "min_amount": "20"},
    )
    apply_rules_for_activity(order_activity(actor=member, order_id=1, total="50", currency="USD"))
    apply_rules_for_activity(order_activity(actor=member, order_id=2, total="10"))
    apply_rules_for_activity(order_activity(actor=member, order_id=3, total="30"))
    assert balance(member) == 30


def test_a_rule_only_counts_activities_inside_its_validity(member):
    make_rule(verb="event_attended", points=10, valid_from=days_ago(10), valid_until=days_ago(5))
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(12)))
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(7)))
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(1)))
    assert balance(member) == 10


def test_inactive_rules_and_deactivated_members_earn_nothing(member):
    make_rule(verb="event_attended", points=10, active=False)
    apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    make_rule(name="live", verb="event_attended", points=10)
    gone = UserFactory(is_active=False)
    apply_rules_for_activity(activity(actor=gone, verb="event_attended"))
    assert not LedgerEntry.objects.exists()


def test_a_stale_member_id_in_the_payload_is_ignored(member, answer_rule):
    apply_rules_for_activity(
        activity(actor=member, verb="answer_accepted", payload={"answerer_id": 999_999})
    )
    apply_rules_for_activity(
        activity(actor=member, verb="answer_accepted", payload={"answerer_id": "not-an-id"})
    )
    assert not LedgerEntry.objects.exists()


def test_applying_the_same_activity_twice_awards_once(member, reply_rule):
    logged = activity(actor=member, verb="reply_created", payload={"length": 50})
    assert apply_rules_for_activity(logged) == 1
    assert apply_rules_for_activity(logged) == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.AWARD).count() == 1
    assert balance(member) == 10


@pytest.mark.parametrize(
    ("conditions", "field"),
    [
        ([], "conditions"),
        ({"colour": "red"}, "conditions"),
        ({"payload_equals": ["kind"]}, "conditions"),
        ({"payload_truthy": "has_photo"}, "conditions"),
        ({"currency": "euro"}, "conditions"),
        ({"min_amount": "lots"}, "conditions"),
    ],
)
def test_conditions_outside_the_schema_are_refused(conditions, field):
    with pytest.raises(ValidationError) as raised:
        make_rule(conditions=conditions)
    assert field in raised.value.message_dict


def test_a_payload_beneficiary_needs_its_key():
    with pytest.raises(ValidationError) as raised:
        make_rule(beneficiary=Beneficiary.PAYLOAD_MEMBER, beneficiary_key="")
    assert "beneficiary_key" in raised.value.message_dict


def test_a_rule_must_award_something():
    with pytest.raises(ValidationError) as raised:
        make_rule(points=0)
    assert "points" in raised.value.message_dict


def test_a_verb_must_look_like_a_verb():
    with pytest.raises(ValidationError) as raised:
        make_rule(verb="Reply Created!")
    assert "verb" in raised.value.message_dict
