"""The visibility rules, once each: community.permissions.access_topic / access_post (and the
list filters built on the same rules) over every kind of viewer and every state.

Viewers: a signed-out visitor, another member, the author, a moderator of the space (space
role) and a brand-team moderator. The surfaces that use these functions are walked in
tests/security/test_hidden_content_surfaces.py.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from flywheel.community import permissions
from flywheel.community import services as community_services
from flywheel.community.models import Post, SpaceAccessGrant, Topic, Visibility
from flywheel.moderation import services as moderation_services
from flywheel.moderation.models import PostState
from tests.factories import AdminFactory, ModeratorFactory, SpaceFactory, UserFactory, make_reply
from tests.factories import make_topic as create_topic

pytestmark = pytest.mark.django_db

VIEWERS = ("anonymous", "member", "author", "space_moderator", "staff")
SEES, NOT_FOUND, LOCKED = "sees", "not found", "locked"


class Scene:
    """One space, one topic by `author` with a reply by `author`, and the five viewers."""

    def __init__(self, visibility=Visibility.PUBLIC):
        self.space = SpaceFactory(visibility=visibility)
        self.author = UserFactory()
        self.viewers = {
            "anonymous": AnonymousUser(),
            "member": UserFactory(),
            "author": self.author,
            "space_moderator": UserFactory(),
            "staff": ModeratorFactory(),
        }
        if visibility == Visibility.GATED:
            for role in ("author", "space_moderator"):
                SpaceAccessGrant.objects.create(space=self.space, member=self.viewers[role])
        community_services.set_space_moderator(
            space=self.space,
            member=self.viewers["space_moderator"],
            is_moderator=True,
            by=AdminFactory(),
        )
        self.topic = create_topic(space=self.space, author=self.author, title="The topic")
        self.opening = self.topic.posts.get(number=1)
        self.reply = make_reply(topic=self.topic, author=self.author, body="The reply")


def outcome(getter, *args, **kwargs) -> str:
    try:
        getter(*args, **kwargs)
    except permissions.SpaceLocked:
        return LOCKED
    except Http404:
        return NOT_FOUND
    except PermissionDenied:  # pragma: no cover - the getters raise SpaceLocked or Http404
        return "denied"
    return SEES


def topic_outcomes(scene: Scene) -> dict:
    return {
        role: outcome(permissions.access_topic, user, scene.topic.pk)
        for role, user in scene.viewers.items()
    }


def reply_outcomes(scene: Scene, **kwargs) -> dict:
    return {
        role: outcome(permissions.access_post, user, scene.reply.pk, **kwargs)
        for role, user in scene.viewers.items()
    }


def expect(anonymous, member, author, space_moderator, staff) -> dict:
    return dict(zip(VIEWERS, (anonymous, member, author, space_moderator, staff), strict=True))


def listed_topics(scene: Scene) -> dict:
    return {
        role: permissions.filter_topics_queryset(user).filter(pk=scene.topic.pk).exists()
        for role, user in scene.viewers.items()
    }


def listed_replies(scene: Scene) -> dict:
    return {
        role: permissions.filter_posts_queryset(user).filter(pk=scene.reply.pk).exists()
        for role, user in scene.viewers.items()
    }


def on_topic_page(scene: Scene) -> dict:
    """Whether the reply is among the topic page's posts for each viewer."""
    result = {}
    for role, user in scene.viewers.items():
        is_moderator = permissions.is_moderator_of(user, scene.space)
        posts = permissions.filter_topic_posts_queryset(
            user, scene.topic, is_moderator=is_moderator
        )
        result[role] = posts.filter(pk=scene.reply.pk).exists()
    return result


EVERYONE = expect(SEES, SEES, SEES, SEES, SEES)
EVERYONE_LISTS = dict.fromkeys(VIEWERS, True)
NOBODY_LISTS = dict.fromkeys(VIEWERS, False)


def test_a_live_topic_and_reply_in_a_public_space_are_seen_by_everyone():
    scene = Scene()

    assert topic_outcomes(scene) == EVERYONE
    assert reply_outcomes(scene) == EVERYONE
    assert listed_topics(scene) == EVERYONE_LISTS
    assert listed_replies(scene) == EVERYONE_LISTS


def test_a_members_only_space_is_locked_to_signed_out_visitors():
    scene = Scene(Visibility.MEMBERS)

    assert topic_outcomes(scene) == expect(LOCKED, SEES, SEES, SEES, SEES)
    assert reply_outcomes(scene) == expect(LOCKED, SEES, SEES, SEES, SEES)
    assert listed_topics(scene) == {**EVERYONE_LISTS, "anonymous": False}


def test_a_gated_space_is_locked_to_whoever_has_not_passed_its_gate():
    scene = Scene(Visibility.GATED)

    assert topic_outcomes(scene) == expect(LOCKED, LOCKED, SEES, SEES, SEES)
    assert reply_outcomes(scene) == expect(LOCKED, LOCKED, SEES, SEES, SEES)
    assert listed_replies(scene) == {
        **EVERYONE_LISTS,
        "anonymous": False,
        "member": False,
    }


def test_a_deleted_reply_is_for_moderators_but_keeps_its_place_as_a_tombstone():
    scene = Scene()
    community_services.delete_post(post=scene.reply, by=scene.author)

    assert reply_outcomes(scene) == expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, SEES, SEES)
    assert reply_outcomes(scene, allow_deleted=True) == EVERYONE
    assert listed_replies(scene) == NOBODY_LISTS


def test_a_deleted_topic_is_gone_for_everyone_with_its_replies():
    scene = Scene()
    community_services.delete_post(post=scene.opening, by=scene.author)

    everyone_not_found = expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
    assert topic_outcomes(scene) == everyone_not_found
    assert reply_outcomes(scene) == everyone_not_found
    assert listed_topics(scene) == NOBODY_LISTS
    assert listed_replies(scene) == NOBODY_LISTS


@pytest.mark.parametrize("state", [PostState.PENDING, PostState.HIDDEN])
def test_a_held_or_hidden_reply_is_seen_by_its_author_and_moderators_only(state):
    scene = Scene()
    moderation_services.set_post_state(scene.reply, state)

    assert reply_outcomes(scene) == expect(NOT_FOUND, NOT_FOUND, SEES, SEES, SEES)
    assert on_topic_page(scene) == {**EVERYONE_LISTS, "anonymous": False, "member": False}
    # Lists across topics (profiles, search) show it to nobody.
    assert listed_replies(scene) == NOBODY_LISTS
    assert topic_outcomes(scene) == EVERYONE


def test_a_rejected_reply_is_seen_by_moderators_only():
    scene = Scene()
    moderation_services.set_post_state(scene.reply, PostState.REJECTED)

    assert reply_outcomes(scene) == expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, SEES, SEES)
    assert on_topic_page(scene) == expect(False, False, False, True, True)
    assert listed_replies(scene) == NOBODY_LISTS


@pytest.mark.parametrize("state", [PostState.PENDING, PostState.HIDDEN])
def test_a_held_or_hidden_topic_and_its_replies_are_for_its_author_and_moderators(state):
    scene = Scene()
    other_reply = make_reply(topic=scene.topic, author=scene.viewers["member"], body="Mine")
    moderation_services.set_post_state(scene.opening, state)

    only_author_and_moderators = expect(NOT_FOUND, NOT_FOUND, SEES, SEES, SEES)
    assert topic_outcomes(scene) == only_author_and_moderators
    assert reply_outcomes(scene) == only_author_and_moderators
    # Writing a reply there does not give its author the topic back.
    member = scene.viewers["member"]
    assert outcome(permissions.access_post, member, other_reply.pk) == NOT_FOUND
    assert listed_topics(scene) == NOBODY_LISTS
    assert listed_replies(scene) == NOBODY_LISTS


def test_a_topic_rejected_by_a_moderator_is_for_moderators_only():
    scene = Scene()
    moderation_services.set_post_state(scene.opening, PostState.REJECTED)

    assert topic_outcomes(scene) == expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, SEES, SEES)
    assert reply_outcomes(scene) == expect(NOT_FOUND, NOT_FOUND, NOT_FOUND, SEES, SEES)
    assert listed_topics(scene) == NOBODY_LISTS


def test_a_space_moderator_sees_no_more_than_members_in_a_space_they_do_not_moderate():
    scene = Scene()
    elsewhere = Scene()
    moderation_services.set_post_state(elsewhere.reply, PostState.HIDDEN)

    moderator_of_first = scene.viewers["space_moderator"]
    assert outcome(permissions.access_post, moderator_of_first, elsewhere.reply.pk) == NOT_FOUND


def test_no_such_topic_or_post_is_not_found():
    viewer = UserFactory()
    missing = (Topic.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000

    assert outcome(permissions.access_topic, viewer, missing) == NOT_FOUND
    assert outcome(permissions.access_post, viewer, missing) == NOT_FOUND


def test_access_post_costs_one_query_for_a_live_post(django_assert_num_queries):
    scene = Scene()
    member = scene.viewers["member"]

    with django_assert_num_queries(1):
        post = permissions.access_post(member, scene.reply.pk)
    with django_assert_num_queries(1):
        permissions.access_topic(member, scene.topic.pk)

    assert isinstance(post, Post)
