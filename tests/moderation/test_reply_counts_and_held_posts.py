"""Topic.reply_count counts only the replies readers see, and an author sees their own held or
hidden reply (with a marker) while nobody else does."""

import pytest
from django.test import Client

from flywheel.community.models import Topic
from flywheel.moderation import services
from flywheel.moderation.models import PostState, ReviewItem
from tests.factories import UserFactory, make_reply, make_topic
from tests.moderation.conftest import signed_in

pytestmark = pytest.mark.django_db


def reply_count(topic) -> int:
    return Topic.objects.get(pk=topic.pk).reply_count


def hide(post) -> None:
    services.set_post_state(post, PostState.HIDDEN)
    services.open_review_item(target=post, reason="flag: spam")


def test_a_hidden_reply_leaves_the_count_and_comes_back_on_approval(member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    reply = make_reply(topic=topic, author=member, body="Flagged words")
    make_reply(topic=topic, author=UserFactory(), body="Another reply")
    assert reply_count(topic) == 2
    version = Topic.objects.get(pk=topic.pk).version

    hide(reply)
    assert reply_count(topic) == 1
    assert Topic.objects.get(pk=topic.pk).version > version

    services.approve(item=ReviewItem.objects.get(post=reply), by=staff)
    assert reply_count(topic) == 2


def test_a_held_reply_is_not_counted_until_it_is_approved(settings, member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    reply = make_reply(topic=topic, author=member, body="Held first words")
    assert reply_count(topic) == 0

    services.approve(item=ReviewItem.objects.get(post=reply), by=staff)
    assert reply_count(topic) == 1


def test_a_held_reply_that_is_rejected_is_never_counted(settings, member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    reply = make_reply(topic=topic, author=member, body="Held and rejected")
    assert reply_count(topic) == 0

    services.reject(item=ReviewItem.objects.get(post=reply), by=staff, reason="Spam link")
    assert reply_count(topic) == 0


def test_deleting_a_hidden_reply_does_not_take_it_off_the_count_twice(member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    reply = make_reply(topic=topic, author=member, body="Hidden then deleted")
    make_reply(topic=topic, author=UserFactory(), body="Stays")
    hide(reply)
    assert reply_count(topic) == 1

    services.delete_content(item=ReviewItem.objects.get(post=reply), by=staff, reason="Spam")
    assert reply_count(topic) == 1


def test_merging_topics_does_not_count_the_hidden_replies(member, space, staff):
    source = make_topic(author=UserFactory(), space=space, title="Source topic")
    into = make_topic(author=UserFactory(), space=space, title="Target topic")
    hidden = make_reply(topic=source, author=member, body="Hidden in the source")
    make_reply(topic=source, author=UserFactory(), body="Visible in the source")
    hide(hidden)

    services.merge_topics(source=source, into=into, by=staff, reason="Duplicate")
    # The source's opening post and its visible reply join; the hidden reply does not count.
    assert reply_count(into) == 2


def test_the_author_sees_their_held_reply_marked_pending_review(settings, member, space):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    make_reply(topic=topic, author=member, body="My words await a moderator")

    page = signed_in(member).get(topic.get_absolute_url()).content.decode()
    assert "My words await a moderator" in page
    assert "Pending review" in page


def test_the_author_sees_their_hidden_reply_marked_hidden_by_moderators(member, space):
    topic = make_topic(author=UserFactory(), space=space)
    reply = make_reply(topic=topic, author=member, body="Words someone flagged")
    hide(reply)

    page = signed_in(member).get(topic.get_absolute_url()).content.decode()
    assert "Words someone flagged" in page
    assert "Hidden by moderators" in page


def test_another_member_does_not_see_a_held_reply(settings, member, other_member, space):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    make_reply(topic=topic, author=member, body="Not for other eyes yet")

    page = signed_in(other_member).get(topic.get_absolute_url()).content.decode()
    assert "Not for other eyes yet" not in page
    assert "Pending review" not in page


def test_a_signed_out_reader_does_not_see_a_held_reply_even_after_the_author_looked(
    settings, member, space
):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    make_reply(topic=topic, author=member, body="Held away from the cache")
    signed_in(member).get(topic.get_absolute_url())

    for _ in range(2):  # the second read comes from the signed-out page cache
        page = Client().get(topic.get_absolute_url()).content.decode()
        assert "Held away from the cache" not in page
        assert "Pending review" not in page


def test_the_author_no_longer_sees_a_rejected_reply(settings, member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    reply = make_reply(topic=topic, author=member, body="Rejected for good")
    services.reject(item=ReviewItem.objects.get(post=reply), by=staff, reason="Off topic")

    page = signed_in(member).get(topic.get_absolute_url()).content.decode()
    assert "Rejected for good" not in page


def test_approving_the_opening_post_of_a_held_topic_leaves_the_reply_count_alone(
    settings, member, space, staff
):
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    topic = make_topic(author=member, space=space, title="A held new topic")
    services.approve(item=ReviewItem.objects.get(post__topic=topic), by=staff)
    assert reply_count(topic) == 0
