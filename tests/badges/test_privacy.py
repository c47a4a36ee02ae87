"""Badges in a member's data export and account erasure (flywheel.privacy registry)."""

import pytest

from flywheel.badges import services
from flywheel.badges.models import BadgeGrant
from flywheel.community import services as community
from flywheel.community.models import TopicKind
from flywheel.privacy.services import collect_member_data, erase_member
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def _answer_accepted(*, answerer, asker):
    question = make_topic(author=asker, kind=TopicKind.QUESTION, title="How do I seal seams?")
    community.accept_answer(reply=make_reply(topic=question, author=answerer), by=asker)


def test_the_export_lists_my_badges(member, other_member, defaults, consumers):
    with consumers():
        _answer_accepted(answerer=member, asker=other_member)

    badges = collect_member_data(member)[0]["badges"]

    assert {row["badge"] for row in badges} == {"first-post", "first-accepted-answer"}
    assert "first-accepted-answer" not in {
        row["badge"] for row in collect_member_data(other_member)[0]["badges"]
    }


def test_erasure_deletes_my_grants_and_a_recompute_does_not_give_them_back(
    member, other_member, defaults, consumers
):
    with consumers():
        _answer_accepted(answerer=member, asker=other_member)
    assert BadgeGrant.objects.filter(member=member, badge__slug="first-accepted-answer").exists()

    erase_member(member, content="anonymise", reason="member request")
    services.recompute_badges()

    assert not BadgeGrant.objects.filter(member=member).exists()
    assert BadgeGrant.objects.filter(member=other_member, badge__slug="first-post").exists()


def test_an_account_being_erased_earns_no_new_badge(member, other_member, defaults, consumers):
    question = make_topic(author=other_member, kind=TopicKind.QUESTION, title="Which stove?")
    reply = make_reply(topic=question, author=member)
    member.is_active = False  # request_account_erasure deactivates before the erasure runs
    member.save(update_fields=["is_active"])

    with consumers():
        community.accept_answer(reply=reply, by=other_member)

    assert not BadgeGrant.objects.filter(
        member=member, badge__slug="first-accepted-answer"
    ).exists()
