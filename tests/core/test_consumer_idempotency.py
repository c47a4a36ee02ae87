"""Every Activity consumer is idempotent by activity id: a delivery can be attempted again
(a worker killed after its commit, a replay, a redelivered message), so running a consumer
twice for the same activity must have its effect exactly once."""

import pytest
from django.core import mail

from flywheel.badges.consumers import award_badges_for_activity
from flywheel.badges.models import BadgeGrant
from flywheel.badges.services import install_default_badges
from flywheel.core.models import Activity, Verb
from flywheel.moderation.consumers import moderate_activity
from flywheel.moderation.models import Flag, ModerationAction, ReviewItem
from flywheel.notifications.consumers import notify_for_activity
from flywheel.notifications.models import Notification
from flywheel.rewards.consumers import apply_rules_for_activity
from flywheel.rewards.models import LedgerEntry, PointsAccount
from flywheel.search.consumers import index_for_activity
from flywheel.search.models import SearchDocument
from tests.factories import UserFactory, make_reply, make_topic
from tests.rewards.conftest import make_rule

pytestmark = pytest.mark.django_db


def logged(verb: str, target_id: int) -> Activity:
    """The activity as the service logged it (its consumers have not run: the test's
    transaction never commits)."""
    return Activity.objects.select_related("actor", "space").get(verb=verb, target_id=target_id)


def test_notifications_notify_and_mail_a_mentioned_member_once(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    mentioned = UserFactory(handle="ridgeline")
    topic = make_topic()
    reply = make_reply(topic=topic, body="Ask @ridgeline, she has one.")
    activity = logged(Verb.REPLY_CREATED, reply.pk)

    with django_capture_on_commit_callbacks(execute=True):
        notify_for_activity(activity)
        notify_for_activity(activity)

    assert Notification.objects.filter(activity=activity, recipient=mentioned).count() == 1
    assert Notification.objects.filter(activity=activity, recipient=topic.author).count() == 1
    assert [message.to for message in mail.outbox].count([mentioned.email]) == 1


def test_search_indexes_a_reply_once():
    reply = make_reply(topic=make_topic(), body="Trekking poles double as tent poles.")
    activity = logged(Verb.REPLY_CREATED, reply.pk)

    index_for_activity(activity)
    index_for_activity(activity)

    assert SearchDocument.objects.filter(post=reply).count() == 1


def test_moderation_flags_a_toxic_reply_once():
    reply = make_reply(topic=make_topic(), body="Shut up, nobody asked, you idiot.")
    activity = logged(Verb.REPLY_CREATED, reply.pk)

    moderate_activity(activity)
    moderate_activity(activity)

    assert Flag.objects.filter(source_key=f"auto:{activity.pk}").count() == 1
    assert ReviewItem.objects.count() == 1
    assert ModerationAction.objects.count() == 1


def test_badges_grant_the_first_post_badge_once_and_notify_once():
    install_default_badges()
    author = UserFactory()
    topic = make_topic(author=author)
    activity = logged(Verb.TOPIC_CREATED, topic.pk)

    award_badges_for_activity(activity)
    award_badges_for_activity(activity)

    grants = BadgeGrant.objects.filter(member=author, badge__slug="first-post")
    assert grants.count() == 1
    assert Notification.objects.filter(recipient=author, kind="badge_granted").count() == 1


def test_rewards_award_a_reply_its_points_once():
    make_rule(verb="reply_created", points=10)
    replier = UserFactory()
    reply = make_reply(topic=make_topic(), author=replier)
    activity = logged(Verb.REPLY_CREATED, reply.pk)

    apply_rules_for_activity(activity)
    apply_rules_for_activity(activity)

    assert LedgerEntry.objects.filter(member=replier, activity_id=activity.pk).count() == 1
    assert PointsAccount.objects.get(member=replier).balance == 10


def test_rewards_take_back_a_deleted_posts_points_once():
    from flywheel.community.services import delete_post

    make_rule(verb="reply_created", points=10)
    replier = UserFactory()
    reply = make_reply(topic=make_topic(), author=replier)
    apply_rules_for_activity(logged(Verb.REPLY_CREATED, reply.pk))
    delete_post(post=reply, by=replier)
    deleted = logged(Verb.POST_DELETED, reply.pk)

    apply_rules_for_activity(deleted)
    apply_rules_for_activity(deleted)

    assert PointsAccount.objects.get(member=replier).balance == 0
    assert LedgerEntry.objects.filter(member=replier, kind="reverse").count() == 1
