"""Sanctions and upheld flags count against trust levels' maximums (trust.queries counters)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.accounts.models import User
from flywheel.moderation import services
from flywheel.moderation.models import ReviewItem, Sanction
from flywheel.trust import queries as trust_queries
from flywheel.trust import services as trust_services
from flywheel.trust.models import MemberTrust, MemberVisit, TrustLevelRequirement
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits_earn_level_1(db):
    """Level 1 needs one visit and at most 0 sanctions and 0 upheld flags (last 100 days)."""
    TrustLevelRequirement.objects.filter(level=1).update(
        window_days=100,
        days_visited=1,
        topics_entered=0,
        posts_read=0,
        max_sanctions=0,
        max_upheld_flags=0,
    )
    TrustLevelRequirement.objects.filter(level=2).update(days_visited=1000)
    trust_queries.forget_requirements()


def _visited_today(member) -> User:
    MemberVisit.objects.create(member=member, date=timezone.now().date())
    return User.objects.get(pk=member.pk)


def _silence(member, staff, *, days_ago: int = 0) -> Sanction:
    sanction = services.issue_sanction(
        member=member,
        kind="silence",
        reason="Insults",
        by=staff,
        ends_at=timezone.now() + timedelta(hours=1),
    )
    if days_ago:
        Sanction.objects.filter(pk=sanction.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago),
            starts_at=timezone.now() - timedelta(days=days_ago),
            ends_at=timezone.now() - timedelta(days=days_ago - 1),
        )
    return sanction


def test_a_member_with_a_recent_sanction_is_not_promoted(member, staff, visits_earn_level_1):
    _silence(member, staff)

    assert trust_services.evaluate_member(_visited_today(member)) == 0
    progress = trust_queries.progress_for(User.objects.get(pk=member.pk))
    sanctions = next(check for check in progress.checks if check.key == "sanctions")
    assert sanctions.current == 1 and not sanctions.met


def test_the_same_member_without_the_sanction_is_promoted(member, visits_earn_level_1):
    assert trust_services.evaluate_member(_visited_today(member)) == 1


def test_a_sanction_outside_the_window_or_lifted_on_appeal_does_not_count(
    member, staff, admin_member, visits_earn_level_1
):
    _silence(member, staff, days_ago=200)
    appealed = _silence(member, staff)
    appeal = services.submit_appeal(
        sanction=appealed, member=member, text="It was a quote, please look again."
    )
    services.decide_appeal(appeal=appeal, by=admin_member, grant=True, reason="Fair point")

    assert trust_services.evaluate_member(_visited_today(member)) == 1


def test_a_warning_is_not_a_strike(member, staff, visits_earn_level_1):
    services.issue_sanction(member=member, kind="warning", reason="Be kind", by=staff)

    assert trust_services.evaluate_member(_visited_today(member)) == 1


def test_a_post_rejected_on_flags_counts_once_against_promotion(
    member, other_member, staff, visits_earn_level_1
):
    reply = make_reply(topic=make_topic(author=other_member), author=member)
    for flagger in (other_member, UserFactory()):
        services.raise_flag(flagger=flagger, target=reply, reason="inappropriate")
    services.reject(item=ReviewItem.objects.get(post=reply), by=staff, reason="Rude")

    assert trust_queries.member_figures(member)["upheld_flags"] == 1
    assert trust_services.evaluate_member(_visited_today(member)) == 0


def test_dismissed_flags_do_not_count(member, other_member, staff, visits_earn_level_1):
    reply = make_reply(topic=make_topic(author=other_member), author=member)
    services.raise_flag(flagger=other_member, target=reply, reason="spam")
    services.approve(item=ReviewItem.objects.get(post=reply), by=staff)

    assert trust_services.evaluate_member(_visited_today(member)) == 1


def test_a_regular_with_a_new_sanction_is_demoted(member, staff):
    TrustLevelRequirement.objects.filter(level=3).update(
        window_days=100,
        days_visited=1,
        topics_entered=0,
        posts_read=0,
        replies=0,
        likes_given=0,
        likes_received=0,
        verified_purchases=0,
        max_sanctions=0,
    )
    trust_queries.forget_requirements()
    MemberTrust.objects.create(member=member, level=3)
    _silence(member, staff)

    assert trust_services.evaluate_member(_visited_today(member)) == 2
