"""Each default badge fires exactly once, from the Activity consumer; recompute agrees."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from flywheel.badges import services
from flywheel.badges.models import Badge, BadgeGrant
from flywheel.community import services as community
from flywheel.community.models import TopicKind
from flywheel.core.models import Activity
from flywheel.core.services import record_activity
from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def holders(slug: str) -> list[int]:
    return list(BadgeGrant.objects.filter(badge__slug=slug).values_list("member_id", flat=True))


def accepted_answer(*, answerer, asker):
    question = make_topic(author=asker, kind=TopicKind.QUESTION, title="How do I seal seams?")
    reply = make_reply(topic=question, author=answerer)
    community.accept_answer(reply=reply, by=asker)
    return reply


def test_first_post_is_earned_once_by_the_first_topic_or_reply(member, defaults, consumers):
    with consumers():
        topic = make_topic(author=member)
        make_reply(topic=topic, author=member)
        make_topic(author=member, title="And another")
    grant = BadgeGrant.objects.get(badge__slug="first-post")
    assert grant.member == member
    assert grant.source_activity == Activity.objects.get(verb="topic_created", target_id=topic.pk)
    assert (
        Notification.objects.filter(recipient=member, kind=NotificationKind.BADGE_GRANTED).count()
        == 1
    )


def test_first_accepted_answer_is_earned_once(member, other_member, defaults, consumers):
    with consumers():
        accepted_answer(answerer=member, asker=other_member)
        accepted_answer(answerer=member, asker=other_member)
    assert holders("first-accepted-answer") == [member.pk]


def test_accepting_your_own_answer_earns_nothing(member, defaults, consumers):
    with consumers():
        accepted_answer(answerer=member, asker=member)
    assert holders("first-accepted-answer") == []


def test_ten_accepted_answers_earn_silver_at_the_tenth(member, other_member, defaults, consumers):
    with consumers():
        for _ in range(9):
            accepted_answer(answerer=member, asker=other_member)
    assert holders("accepted-answers-10") == []
    with consumers():
        tenth = accepted_answer(answerer=member, asker=other_member)
        accepted_answer(answerer=member, asker=other_member)
    grant = BadgeGrant.objects.get(badge__slug="accepted-answers-10")
    assert grant.member == member
    assert grant.source_activity.target_id == tenth.pk


def test_fifty_accepted_answers_earn_gold_once(member, other_member, defaults, consumers):
    with consumers():
        for number in range(51):
            record_activity(
                actor=other_member,
                verb="answer_accepted",
                payload={"answerer_id": member.pk},
                dedupe_key=f"answer_accepted:test{number}",
            )
    assert holders("accepted-answers-50") == [member.pk]
    fiftieth = Activity.objects.filter(verb="answer_accepted").order_by("id")[49]
    assert BadgeGrant.objects.get(badge__slug="accepted-answers-50").source_activity == fiftieth


def test_25_likes_on_one_post_earn_great_post_once_per_post(member, defaults, consumers):
    likers = [UserFactory() for _ in range(26)]
    topic = make_topic(author=member)
    opening = topic.posts.get()
    with consumers():
        community.toggle_reaction(member=member, post=opening, kind="like")  # own like: no
        for liker in likers[:24]:
            community.toggle_reaction(member=liker, post=opening, kind="like")
        community.toggle_reaction(member=likers[0], post=opening, kind="heart")  # not a like
    assert holders("great-post") == []

    with consumers():
        community.toggle_reaction(member=likers[24], post=opening, kind="like")
        community.toggle_reaction(member=likers[24], post=opening, kind="like")  # taken back
        community.toggle_reaction(member=likers[24], post=opening, kind="like")  # and again
        community.toggle_reaction(member=likers[25], post=opening, kind="like")
    grant = BadgeGrant.objects.get(badge__slug="great-post")
    assert (grant.member, grant.occasion) == (member, f"post:{opening.pk}")

    second = make_reply(topic=topic, author=member)
    with consumers():
        for liker in likers[:25]:
            community.toggle_reaction(member=liker, post=second, kind="like")
    assert sorted(
        BadgeGrant.objects.filter(badge__slug="great-post").values_list("occasion", flat=True)
    ) == sorted([f"post:{opening.pk}", f"post:{second.pk}"])


def test_likes_taken_back_do_not_count(member, defaults, consumers):
    likers = [UserFactory() for _ in range(25)]
    opening = make_topic(author=member).posts.get()
    with consumers():
        for liker in likers:
            community.toggle_reaction(member=liker, post=opening, kind="like")
            if liker is likers[0]:
                community.toggle_reaction(member=liker, post=opening, kind="like")
    assert holders("great-post") == []


def test_attending_three_events_earns_event_goer_once_the_verb_exists(member, defaults, consumers):
    with consumers():
        for number in range(2):
            record_activity(actor=member, verb="event_attended", dedupe_key=f"event:{number}")
    assert holders("event-goer") == []
    with consumers():
        for number in range(2, 4):
            record_activity(actor=member, verb="event_attended", dedupe_key=f"event:{number}")
    assert holders("event-goer") == [member.pk]


def test_photo_reviewer_needs_a_review_with_photos(member, other_member, defaults, consumers):
    with consumers():
        record_activity(actor=member, verb="review_published", payload={"has_photos": False})
        record_activity(actor=other_member, verb="review_published", payload={"has_photos": True})
    assert holders("photo-reviewer") == [other_member.pk]


def test_top_referrer_at_ten_conversions_and_verified_customer_at_the_first_order(
    member, defaults, consumers
):
    with consumers():
        for _ in range(9):
            record_activity(actor=member, verb="referral_converted")
        record_activity(actor=member, verb="order_placed")
    assert holders("top-referrer") == []
    assert holders("first-purchase") == [member.pk]
    with consumers():
        record_activity(actor=member, verb="referral_converted")
    assert holders("top-referrer") == [member.pk]


def test_the_consumer_is_idempotent(member, defaults):
    activity = record_activity(actor=member, verb="order_placed")
    services.award_badges_for_activity(activity)
    services.award_badges_for_activity(activity)
    assert holders("first-purchase") == [member.pk]
    assert (
        Notification.objects.filter(recipient=member, kind=NotificationKind.BADGE_GRANTED).count()
        == 1
    )


def test_inactive_badges_are_not_granted(member, defaults, consumers):
    Badge.objects.filter(slug="first-post").update(is_active=False)
    with consumers():
        make_topic(author=member)
    assert holders("first-post") == []


def _snapshot():
    return sorted(
        BadgeGrant.objects.values_list(
            "member_id", "badge__slug", "occasion", "source_activity_id", "granted_at"
        )
    )


def test_recompute_gives_exactly_the_grants_the_consumer_gave(
    member, other_member, defaults, consumers
):
    likers = [UserFactory() for _ in range(25)]
    with consumers():
        topic = make_topic(author=member)
        for _ in range(10):
            accepted_answer(answerer=other_member, asker=member)
        for liker in likers:
            community.toggle_reaction(member=liker, post=topic.posts.get(), kind="like")
        community.toggle_reaction(member=likers[0], post=topic.posts.get(), kind="like")
        for _ in range(3):
            record_activity(actor=other_member, verb="event_attended")
        record_activity(actor=member, verb="review_published", payload={"has_photos": True})
    incremental = _snapshot()
    assert {row[1] for row in incremental} >= {
        "first-post",
        "first-accepted-answer",
        "accepted-answers-10",
        "great-post",
        "event-goer",
        "photo-reviewer",
    }

    BadgeGrant.objects.all().delete()
    counts = services.recompute_badges()

    assert _snapshot() == incremental
    assert counts["granted"] == len(incremental)
    assert services.recompute_badges()["granted"] == 0  # and again changes nothing


def test_recompute_backfills_badges_installed_after_the_fact(member, consumers):
    with consumers():
        make_topic(author=member)
    services.install_default_badges()
    call_command("badges", "recompute")
    assert holders("first-post") == [member.pk]
    # A back-fill does not notify unless asked.
    assert not Notification.objects.filter(kind=NotificationKind.BADGE_GRANTED).exists()


def test_the_recompute_command_reports_progress_per_badge(member, defaults, capsys):
    record_activity(actor=member, verb="order_placed")
    call_command("badges", "recompute")
    output = capsys.readouterr().out
    assert f"/{len(services.criterion_badges())}] first-purchase: 1 granted" in output
    assert "1 new grants" in output


def test_install_defaults_is_idempotent_and_keeps_staff_edits(db, capsys):
    call_command("badges", "install-defaults")
    Badge.objects.filter(slug="first-post").update(name="Hello world")
    call_command("badges", "install-defaults")
    output = capsys.readouterr().out
    assert "0 created" in output
    assert Badge.objects.filter(slug="first-post").count() == 1
    assert Badge.objects.get(slug="first-post").name == "Hello world"


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("verb_count", {"verbs": [], "count": 1}),
        ("verb_count", {"verbs": ["Topic Created"], "count": 1}),
        ("verb_count", {"verbs": ["topic_created"], "count": 0}),
        ("verb_count", {"verbs": ["topic_created"], "count": "3"}),
        ("verb_count", {"verbs": ["topic_created"], "count": 1, "colour": "red"}),
        ("verb_count", {"verbs": ["topic_created"], "count": 1, "payload": {"a": [1]}}),
        ("received_count", {"verb": "answer_accepted", "count": 1}),
        ("reactions_on_post", {"kind": "dislike", "count": 5}),
        ("reactions_on_post", ["like", 5]),
    ],
)
def test_bad_criterion_settings_are_refused_naming_the_field(db, kind, params):
    badge = Badge(
        slug="bad", name="Bad", description="x", criterion_kind=kind, criterion_params=params
    )
    with pytest.raises(ValidationError) as refused:
        badge.full_clean()
    assert "criterion_params" in refused.value.message_dict


def test_a_badge_needs_a_criterion_or_to_be_given_by_staff(db):
    badge = Badge(slug="nothing", name="Nothing", description="x")
    with pytest.raises(ValidationError) as refused:
        badge.full_clean()
    assert "criterion_kind" in refused.value.message_dict
