import pytest
from django.test import Client
from django.urls import reverse

from flywheel.community import services as community_services
from flywheel.core.models import Activity, Verb
from flywheel.moderation.models import ModeratedPost, ReviewItem
from flywheel.notifications.models import Notification
from tests.factories import UserFactory, make_reply, make_topic
from tests.moderation.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_with_premoderation_off_new_members_post_at_once(member, space):
    topic = make_topic(author=member, space=space, title="Visible right away")
    assert not ModeratedPost.objects.exists()
    assert "Visible right away" in Client().get(reverse("community:home")).content.decode()
    assert topic.posts.count() == 1


def test_a_new_members_first_posts_wait_hidden_in_the_queue(settings, member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 2
    reply = make_reply(topic=topic, author=member, body="My very first words here")
    assert ModeratedPost.objects.get(post=reply).state == "pending"
    assert Client().get(topic.get_absolute_url()).status_code == 200
    assert "My very first words" not in Client().get(topic.get_absolute_url()).content.decode()
    item = ReviewItem.objects.get(post=reply)
    assert item.is_premoderation
    assert (
        "New member, waiting for approval"
        in signed_in(staff).get(reverse("moderation:queue")).content.decode()
    )


def test_a_held_post_notifies_nobody_until_it_is_approved(
    settings, member, space, staff, django_capture_on_commit_callbacks
):
    topic_author = UserFactory()
    topic = make_topic(author=topic_author, space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        reply = make_reply(topic=topic, author=member, body="Held until approved")
    assert not Activity.objects.filter(verb=Verb.REPLY_CREATED).exists()
    assert not Notification.objects.filter(recipient=topic_author).exists()

    item = ReviewItem.objects.get(post=reply)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(staff).post(
            reverse("moderation:queue_action", kwargs={"item_id": item.pk}), {"action": "approve"}
        )
    assert Activity.objects.filter(verb=Verb.REPLY_CREATED, target_id=reply.pk).count() == 1
    assert Notification.objects.filter(recipient=topic_author, post=reply).exists()
    assert "Held until approved" in Client().get(topic.get_absolute_url()).content.decode()


def test_after_n_approved_posts_a_member_posts_freely(settings, member, space, staff):
    topic = make_topic(author=UserFactory(), space=space)
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    first = make_reply(topic=topic, author=member, body="First")
    from flywheel.moderation import services

    services.approve(item=ReviewItem.objects.get(post=first), by=staff)
    second = make_reply(topic=topic, author=member, body="Second")
    assert not ModeratedPost.objects.filter(post=second).exists()


def test_moderators_are_never_premoderated(settings, space, space_moderator):
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 3
    topic = make_topic(author=space_moderator, space=space)
    assert not ModeratedPost.objects.filter(topic=topic).exists()


def test_a_premoderated_topic_is_left_out_of_listings(settings, member, space):
    settings.FLYWHEEL_PREMODERATE_FIRST_POSTS = 1
    community_services.create_topic(
        author=member,
        space=space,
        title="Waiting topic title",
        body="Hello",
        enforce_rate_limit=False,
    )
    html = Client().get(reverse("community:space", kwargs={"slug": space.slug})).content.decode()
    assert "Waiting topic title" not in html
