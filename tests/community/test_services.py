import pytest
from django.core.exceptions import PermissionDenied

from flywheel.community import services
from flywheel.community.models import Post, Reaction, Topic, TopicKind, Visibility
from flywheel.core.exceptions import InvalidInput
from flywheel.core.models import Activity, Verb
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_creating_a_topic_stores_its_opening_post_and_logs_one_activity(member, space):
    topic = make_topic(author=member, space=space, body="Hello **world**")
    assert topic.posts.get(number=1).body_html == "<p>Hello <strong>world</strong></p>\n"
    assert Activity.objects.filter(verb=Verb.TOPIC_CREATED, actor=member).count() == 1
    space.refresh_from_db()
    assert space.topic_count == 1
    assert space.memberships.filter(member=member).exists()


def test_empty_title_is_refused_naming_the_field_and_nothing_is_written(member, space):
    with pytest.raises(InvalidInput) as error:
        make_topic(author=member, space=space, title="   ")
    assert error.value.field == "title"
    assert Topic.objects.count() == 0
    assert Post.objects.count() == 0


def test_a_body_over_the_limit_is_refused(member, space, settings):
    settings.FLYWHEEL_MAX_POST_LENGTH = 100
    with pytest.raises(InvalidInput) as error:
        make_topic(author=member, space=space, body="x" * 101)
    assert error.value.field == "body"


def test_member_cannot_post_in_a_gated_space_without_passing_its_gate(member):
    gated = SpaceFactory(visibility=Visibility.GATED)
    with pytest.raises(PermissionDenied):
        make_topic(author=member, space=gated)


def test_only_the_asker_or_a_moderator_accepts_an_answer(member, other_member, moderator):
    question = make_topic(author=member, kind=TopicKind.QUESTION)
    reply = make_reply(topic=question, author=other_member)
    with pytest.raises(PermissionDenied):
        services.accept_answer(reply=reply, by=other_member)
    services.accept_answer(reply=reply, by=moderator)
    question.refresh_from_db()
    assert question.accepted_answer == reply


def test_reaction_toggles_on_and_off_and_keeps_counts(member, other_member):
    topic = make_topic(author=member)
    post = topic.posts.get(number=1)
    assert services.toggle_reaction(member=other_member, post=post, kind="like") is True
    post.refresh_from_db()
    assert post.reaction_count == 1
    assert services.toggle_reaction(member=other_member, post=post, kind="like") is False
    post.refresh_from_db()
    assert post.reaction_count == 0
    assert Reaction.objects.count() == 0


def test_editing_keeps_the_previous_text_in_history(member):
    topic = make_topic(author=member, body="first text")
    post = topic.posts.get(number=1)
    services.edit_post(post=post, editor=member, body="second text", title="A better title")
    post.refresh_from_db()
    assert post.body == "second text"
    assert post.revisions.get().body == "first text"
    topic.refresh_from_db()
    assert topic.title == "A better title"


def test_member_cannot_edit_another_members_reply(member, other_member):
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=member)
    with pytest.raises(PermissionDenied):
        services.edit_post(post=reply, editor=other_member, body="vandalised")


def test_replying_to_a_mentioned_member_notifies_them(
    member, other_member, django_capture_on_commit_callbacks
):
    from flywheel.notifications.models import Notification, NotificationKind

    mentioned = UserFactory(handle="giulia")
    topic = make_topic(author=member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_reply(topic=topic, author=other_member, body="@giulia what do you think?")
    for callback in callbacks:
        callback()
    assert Notification.objects.get(recipient=mentioned).kind == NotificationKind.MENTION
    assert Notification.objects.get(recipient=member).kind == NotificationKind.REPLY


def test_replaying_history_is_not_stopped_by_reaction_rate_limits(member, settings):
    settings.FLYWHEEL_RATE_LIMITS = {"reaction": {level: "1/h" for level in range(5)}}
    posts = [make_topic(author=member, title=f"Trip report {n}").posts.get() for n in range(3)]
    reactor = UserFactory()
    for post in posts:
        assert services.toggle_reaction(
            member=reactor, post=post, kind="like", enforce_rate_limit=False
        )
    assert Reaction.objects.filter(member=reactor).count() == 3
