"""Topics, replies, reactions, accepted answers and topic follows over the API."""

import pytest

from flywheel.community.models import (
    Follow,
    Post,
    Reaction,
    SpaceAccessGrant,
    Topic,
    TopicKind,
    Visibility,
)
from tests.api.conftest import assert_error
from tests.factories import ModeratorFactory, SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(space, member):
    return make_topic(
        space=space,
        author=member,
        title="Best stove for winter?",
        body="Looking for advice.",
        kind=TopicKind.QUESTION,
        tags=["stoves"],
    )


@pytest.fixture
def gated_topic(db):
    gated = SpaceFactory(visibility=Visibility.GATED, slug="owners")
    return make_topic(space=gated, author=ModeratorFactory(), title="Owners only news")


@pytest.fixture
def members_topic(db):
    return make_topic(space=SpaceFactory(visibility=Visibility.MEMBERS), title="Insider chat")


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# Listing and reading ----------------------------------------------------------------------


def test_topics_are_listed_with_their_space_author_and_tags(anonymous_api, topic, member):
    (item,) = anonymous_api.get("/topics").json()["items"]
    assert item["title"] == "Best stove for winter?"
    assert item["space"]["slug"] == topic.space.slug
    assert item["author"]["handle"] == member.handle
    assert item["tags"] == [{"name": "stoves", "slug": "stoves"}]
    assert item["url"] == topic.get_absolute_url()


def test_topic_filters_narrow_the_list(anonymous_api, space, topic):
    other_space = SpaceFactory()
    discussion = make_topic(space=other_space, title="Trip report from Skye")
    assert ids(anonymous_api.get("/topics", {"space": space.slug})) == [topic.pk]
    assert ids(anonymous_api.get("/topics", {"kind": "discussion"})) == [discussion.pk]
    assert ids(anonymous_api.get("/topics", {"unanswered": "true"})) == [topic.pk]
    assert ids(anonymous_api.get("/topics", {"tag": "stoves"})) == [topic.pk]


def test_filtering_by_an_unknown_space_is_a_422_naming_space(anonymous_api):
    assert_error(anonymous_api.get("/topics", {"space": "nowhere"}), 422, field="space")


def test_gated_topics_are_not_visible_to_members_without_the_pass(member_api, gated_topic):
    assert gated_topic.pk not in ids(member_api.get("/topics"))
    assert_error(member_api.get(f"/topics/{gated_topic.pk}"), 404, "not_found")
    assert_error(member_api.get(f"/topics/{gated_topic.pk}/replies"), 404)
    opening = gated_topic.posts.get(number=1)
    assert_error(member_api.get(f"/posts/{opening.pk}"), 404)
    assert_error(member_api.post(f"/posts/{opening.pk}/reactions", {"kind": "like"}), 404)
    assert_error(member_api.post(f"/topics/{gated_topic.pk}/replies", {"body": "Hi"}), 404)
    assert gated_topic.posts.count() == 1


def test_gated_topics_are_visible_with_a_grant(member_api, member, gated_topic):
    SpaceAccessGrant.objects.create(space=gated_topic.space, member=member)
    assert gated_topic.pk in ids(member_api.get("/topics"))
    assert member_api.get(f"/topics/{gated_topic.pk}").status_code == 200


def test_members_only_topics_are_hidden_from_anonymous_visitors(
    anonymous_api, member_api, members_topic
):
    assert members_topic.pk not in ids(anonymous_api.get("/topics"))
    assert_error(anonymous_api.get(f"/topics/{members_topic.pk}"), 404)
    assert member_api.get(f"/topics/{members_topic.pk}").status_code == 200


def test_a_topic_detail_has_the_opening_post_and_the_callers_rights(member_api, topic):
    body = member_api.get(f"/topics/{topic.pk}").json()
    assert body["opening_post"]["number"] == 1
    assert body["opening_post"]["body"] == "Looking for advice."
    assert "<p>Looking for advice.</p>" in body["opening_post"]["body_html"]
    assert body["viewer"] == {
        "is_following": True,
        "can_reply": True,
        "can_edit": True,
        "can_accept_answer": True,
        "can_moderate": False,
    }


def test_anonymous_readers_may_do_nothing_with_a_topic(anonymous_api, topic):
    viewer = anonymous_api.get(f"/topics/{topic.pk}").json()["viewer"]
    assert not any(viewer.values())


# Creating, editing, deleting topics -------------------------------------------------------


def test_creating_a_topic_returns_it_with_its_opening_post(member_api, member, space):
    response = member_api.post(
        "/topics",
        {
            "space": space.slug,
            "title": "Fixing a zip",
            "body": "It **sticks**.",
            "kind": "question",
            "tags": ["repairs"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "question"
    assert body["tags"] == [{"name": "repairs", "slug": "repairs"}]
    assert "<strong>sticks</strong>" in body["opening_post"]["body_html"]
    assert Topic.objects.get(pk=body["id"]).author == member


def test_members_cannot_post_announcements(member_api, space):
    response = member_api.post(
        "/topics",
        {
            "space": space.slug,
            "title": "Big news",
            "body": "Sale!",
            "kind": "announcement",
        },
    )
    assert_error(response, 422, field="kind")
    assert not Topic.objects.exists()


def test_posting_in_a_gated_space_without_the_pass_names_space(member_api, gated_topic):
    response = member_api.post(
        "/topics",
        {
            "space": gated_topic.space.slug,
            "title": "Let me in",
            "body": "Please",
        },
    )
    assert_error(response, 422, field="space")
    assert Topic.objects.count() == 1


def test_the_author_edits_title_body_and_tags(member_api, topic):
    response = member_api.patch(
        f"/topics/{topic.pk}",
        {
            "title": "Best stove for deep winter?",
            "tags": ["stoves", "winter"],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Best stove for deep winter?"
    assert [tag["slug"] for tag in body["tags"]] == ["stoves", "winter"]
    assert body["opening_post"]["body"] == "Looking for advice."


def test_another_member_cannot_edit_a_topic(other_api, topic):
    assert_error(
        other_api.patch(f"/topics/{topic.pk}", {"title": "Hijacked"}), 403, "permission_denied"
    )
    topic.refresh_from_db()
    assert topic.title == "Best stove for winter?"


def test_a_member_who_edits_and_pins_changes_nothing(member_api, topic):
    response = member_api.patch(f"/topics/{topic.pk}", {"title": "New title", "is_pinned": True})
    assert_error(response, 403)
    topic.refresh_from_db()
    assert (topic.title, topic.is_pinned) == ("Best stove for winter?", False)
    assert not topic.posts.get(number=1).revisions.exists()


def test_a_moderator_pins_and_closes_a_topic(moderator_api, topic):
    body = moderator_api.patch(f"/topics/{topic.pk}", {"is_pinned": True, "is_closed": True}).json()
    assert body["is_pinned"] is True
    assert body["is_closed"] is True


def test_an_empty_title_on_edit_is_a_422_naming_title(member_api, topic):
    assert_error(member_api.patch(f"/topics/{topic.pk}", {"title": "  "}), 422, field="title")


def test_the_author_deletes_a_topic(member_api, anonymous_api, topic):
    assert member_api.delete(f"/topics/{topic.pk}").status_code == 204
    assert_error(anonymous_api.get(f"/topics/{topic.pk}"), 404)
    assert ids(anonymous_api.get("/topics")) == []


def test_another_member_cannot_delete_a_topic(other_api, topic):
    assert_error(other_api.delete(f"/topics/{topic.pk}"), 403)
    topic.refresh_from_db()
    assert topic.deleted_at is None


def test_deleting_without_credentials_is_401(anonymous_api, topic):
    assert_error(anonymous_api.delete(f"/topics/{topic.pk}"), 401)


# Replies ----------------------------------------------------------------------------------


def test_replies_are_listed_in_order_without_the_opening_post(anonymous_api, topic):
    first = make_reply(topic=topic, body="Try a canister stove.")
    second = make_reply(topic=topic, body="Liquid fuel works in the cold.", reply_to=first)
    items = anonymous_api.get(f"/topics/{topic.pk}/replies").json()["items"]
    assert [item["id"] for item in items] == [first.pk, second.pk]
    assert items[1]["reply_to"]["number"] == first.number


def test_replying_with_reply_to_quotes_the_post(other_api, other_member, topic):
    opening = topic.posts.get(number=1)
    response = other_api.post(
        f"/topics/{topic.pk}/replies", {"body": "Get a **canister** one.", "reply_to": opening.pk}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 2
    assert body["reply_to"]["id"] == opening.pk
    assert body["author"]["handle"] == other_member.handle
    topic.refresh_from_db()
    assert topic.reply_count == 1


def test_replying_to_a_post_of_another_topic_is_a_422_naming_reply_to(other_api, topic, space):
    elsewhere = make_topic(space=space, title="Another thread")
    response = other_api.post(
        f"/topics/{topic.pk}/replies", {"body": "Hi", "reply_to": elsewhere.posts.get().pk}
    )
    assert_error(response, 422, field="reply_to")
    assert topic.posts.count() == 1


def test_an_empty_reply_is_a_422_naming_body(other_api, topic):
    assert_error(other_api.post(f"/topics/{topic.pk}/replies", {"body": "   "}), 422, field="body")


def test_a_closed_topic_refuses_replies_from_members(other_api, moderator_api, topic):
    moderator_api.patch(f"/topics/{topic.pk}", {"is_closed": True})
    assert_error(other_api.post(f"/topics/{topic.pk}/replies", {"body": "Late"}), 403)
    assert topic.posts.count() == 1


def test_the_author_edits_a_reply(other_api, other_member, topic):
    reply = make_reply(topic=topic, author=other_member, body="Frist")
    response = other_api.patch(f"/posts/{reply.pk}", {"body": "First!"})
    assert response.status_code == 200
    assert response.json()["body"] == "First!"
    assert response.json()["edited_at"] is not None


def test_another_member_editing_a_reply_is_refused_and_it_is_unchanged(
    member_api, other_member, topic
):
    reply = make_reply(topic=topic, author=other_member, body="My words")
    assert_error(
        member_api.patch(f"/posts/{reply.pk}", {"body": "Your words"}), 403, "permission_denied"
    )
    reply.refresh_from_db()
    assert reply.body == "My words"
    assert not reply.revisions.exists()


def test_a_moderator_edits_any_reply(moderator_api, other_member, topic):
    reply = make_reply(topic=topic, author=other_member, body="Spam link")
    assert moderator_api.patch(f"/posts/{reply.pk}", {"body": "[removed]"}).status_code == 200


def test_deleting_a_reply_keeps_its_place_without_text(
    other_api, anonymous_api, other_member, topic
):
    reply = make_reply(topic=topic, author=other_member, body="Oops")
    assert other_api.delete(f"/posts/{reply.pk}").status_code == 204
    (item,) = anonymous_api.get(f"/topics/{topic.pk}/replies").json()["items"]
    assert item["is_deleted"] is True
    assert item["body"] == ""


def test_another_member_cannot_delete_a_reply(member_api, other_member, topic):
    reply = make_reply(topic=topic, author=other_member)
    assert_error(member_api.delete(f"/posts/{reply.pk}"), 403)
    reply.refresh_from_db()
    assert reply.deleted_at is None


# Reactions, answers, follows --------------------------------------------------------------


def reaction(response, kind):
    assert response.status_code == 200, response.content
    return next(item for item in response.json()["reactions"] if item["kind"] == kind)


def test_adding_a_reaction_twice_counts_once(other_api, other_member, topic):
    post = topic.posts.get(number=1)
    reaction(other_api.post(f"/posts/{post.pk}/reactions", {"kind": "heart"}), "heart")
    heart = reaction(other_api.post(f"/posts/{post.pk}/reactions", {"kind": "heart"}), "heart")
    assert heart == {"kind": "heart", "emoji": "❤️", "count": 1, "mine": True}
    assert Reaction.objects.filter(post=post, member=other_member).count() == 1


def test_removing_a_reaction(other_api, topic):
    post = topic.posts.get(number=1)
    other_api.post(f"/posts/{post.pk}/reactions", {"kind": "like"})
    like = reaction(other_api.delete(f"/posts/{post.pk}/reactions/like"), "like")
    assert like["count"] == 0
    assert not Reaction.objects.exists()
    assert reaction(other_api.delete(f"/posts/{post.pk}/reactions/like"), "like")["count"] == 0


def test_toggling_a_reaction_turns_it_on_then_off(other_api, topic):
    post = topic.posts.get(number=1)
    assert reaction(other_api.post(f"/posts/{post.pk}/reactions/eyes/toggle"), "eyes")["mine"]
    assert not reaction(other_api.post(f"/posts/{post.pk}/reactions/eyes/toggle"), "eyes")["mine"]


def test_an_unknown_reaction_is_a_422_naming_kind(other_api, topic):
    post = topic.posts.get(number=1)
    assert_error(
        other_api.post(f"/posts/{post.pk}/reactions", {"kind": "angry"}), 422, field="kind"
    )


def test_reacting_needs_credentials(anonymous_api, topic):
    post = topic.posts.get(number=1)
    assert_error(anonymous_api.post(f"/posts/{post.pk}/reactions", {"kind": "like"}), 401)


def test_the_asker_accepts_and_withdraws_an_answer(member_api, topic):
    answer = make_reply(topic=topic, body="Use a windscreen.")
    body = member_api.post(f"/posts/{answer.pk}/accept").json()
    assert body["accepted_answer_id"] == answer.pk
    assert ids(member_api.get("/topics", {"unanswered": "true"})) == []
    body = member_api.delete(f"/topics/{topic.pk}/accepted-answer").json()
    assert body["accepted_answer_id"] is None


def test_another_member_cannot_accept_an_answer(other_api, topic):
    answer = make_reply(topic=topic)
    assert_error(other_api.post(f"/posts/{answer.pk}/accept"), 403)
    topic.refresh_from_db()
    assert topic.accepted_answer is None


def test_accepting_the_opening_post_is_a_422(member_api, topic):
    assert_error(
        member_api.post(f"/posts/{topic.posts.get(number=1).pk}/accept"), 422, field="reply"
    )


def test_following_and_unfollowing_a_topic(other_api, other_member, topic):
    assert other_api.post(f"/topics/{topic.pk}/follow").json() == {"following": True}
    assert Follow.objects.filter(follower=other_member, topic=topic).exists()
    assert other_api.get(f"/topics/{topic.pk}").json()["viewer"]["is_following"] is True
    assert other_api.delete(f"/topics/{topic.pk}/follow").json() == {"following": False}
    assert not Follow.objects.filter(follower=other_member, topic=topic).exists()


def test_a_post_can_be_read_alone(anonymous_api, topic):
    reply = make_reply(topic=topic, body="Canisters.")
    body = anonymous_api.get(f"/posts/{reply.pk}").json()
    assert (body["id"], body["topic_id"], body["body"]) == (reply.pk, topic.pk, "Canisters.")


def test_posts_of_deleted_topics_are_not_found(member_api, anonymous_api, topic):
    reply = make_reply(topic=topic)
    member_api.delete(f"/topics/{topic.pk}")
    assert_error(anonymous_api.get(f"/posts/{reply.pk}"), 404)
    assert Post.objects.filter(pk=reply.pk).exists()
