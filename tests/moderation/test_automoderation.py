import pytest
from django.test import Client

from flywheel.core.models import Activity
from flywheel.core.tasks import fan_out_activity
from flywheel.moderation.models import ActionKind, Flag, ModeratedPost, ModerationAction, ReviewItem
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def reply_after_commit(capture, *, topic, author=None, body):
    with capture(execute=True):
        return make_reply(topic=topic, author=author or UserFactory(), body=body)


def test_a_very_toxic_reply_is_hidden_pending_review_with_its_score(
    space, django_capture_on_commit_callbacks
):
    topic = make_topic(space=space)
    reply = reply_after_commit(
        django_capture_on_commit_callbacks, topic=topic, body="You are a fucking idiot, kys"
    )
    assert ModeratedPost.objects.get(post=reply).state == "hidden"
    item = ReviewItem.objects.get(post=reply)
    assert item.toxicity >= 0.8
    assert any("toxic" in reason for reason in item.reasons)
    assert "fucking idiot" not in Client().get(topic.get_absolute_url()).content.decode()
    row = ModerationAction.objects.get(action=ActionKind.AUTO_HIDE)
    assert row.actor is None and row.after["toxicity"] >= 0.8


def test_a_borderline_reply_stays_visible_but_goes_to_the_queue(
    space, django_capture_on_commit_callbacks
):
    topic = make_topic(space=space)
    reply = reply_after_commit(
        django_capture_on_commit_callbacks, topic=topic, body="Shut up, nobody asked."
    )
    assert not ModeratedPost.objects.filter(post=reply).exists()
    item = ReviewItem.objects.get(post=reply)
    assert 0.5 <= item.toxicity < 0.8
    assert Flag.objects.get(review_item=item).flagger is None


def test_friendly_and_slangy_replies_are_left_alone(space, django_capture_on_commit_callbacks):
    topic = make_topic(space=space)
    reply_after_commit(
        django_capture_on_commit_callbacks, topic=topic, body="Sick trail! This jacket is killer."
    )
    assert not ReviewItem.objects.exists()


def test_toxicity_in_every_shipped_language_reaches_the_queue(
    space, django_capture_on_commit_callbacks
):
    topic = make_topic(space=space)
    texts = {
        "it": "Sei un coglione",
        "lv": "Tu esi debils",
        "pl": "Jesteś kretynem",
        "zh-hans": "你这个蠢货",
    }
    for language, text in texts.items():
        reply_after_commit(
            django_capture_on_commit_callbacks,
            topic=topic,
            author=UserFactory(language=language),
            body=text,
        )
    assert ReviewItem.objects.count() == 4


def test_an_edit_that_turns_toxic_is_caught(space, django_capture_on_commit_callbacks):
    from flywheel.community import services as community_services

    topic = make_topic(space=space)
    reply = reply_after_commit(django_capture_on_commit_callbacks, topic=topic, body="Nice tent")
    with django_capture_on_commit_callbacks(execute=True):
        community_services.edit_post(post=reply, editor=reply.author, body="You moron, go die")
    assert ModeratedPost.objects.get(post=reply).state == "hidden"


def test_replaying_an_activity_adds_nothing(space, django_capture_on_commit_callbacks):
    topic = make_topic(space=space)
    reply = reply_after_commit(
        django_capture_on_commit_callbacks, topic=topic, body="Shut up, nobody asked."
    )
    activity = Activity.objects.get(verb="reply_created", target_id=reply.pk)
    fan_out_activity(activity.pk)
    assert Flag.objects.count() == 1
    assert ReviewItem.objects.get().reasons.count(ReviewItem.objects.get().reasons[0]) == 1


def test_moderators_posts_are_trusted(space, staff, django_capture_on_commit_callbacks):
    topic = make_topic(space=space)
    reply_after_commit(
        django_capture_on_commit_callbacks, topic=topic, author=staff, body="Shut up, idiot"
    )
    assert not ReviewItem.objects.exists()


def test_spam_with_a_blocked_word_is_hidden(space, django_capture_on_commit_callbacks):
    topic = make_topic(space=space)
    reply = reply_after_commit(
        django_capture_on_commit_callbacks, topic=topic, body="Cheap viagra for hikers"
    )
    assert ModeratedPost.objects.get(post=reply).state == "hidden"
    assert ReviewItem.objects.get(post=reply).spam_score >= 1.0
