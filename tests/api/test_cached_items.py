"""API list items are cached as JSON (community/api.py, "Cached items"): what a caller gets
from the cache is what a fresh render gives, changes show on the next request, and one
caller's own reactions never reach another."""

import pytest

from flywheel.community import services
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_a_cached_topic_list_is_the_same_json_and_changes_with_a_reply(member_api, space):
    topic = make_topic(space=space, title="Stove for winter", tags=["stoves"])
    cold = member_api.get("/topics").content
    warm = member_api.get("/topics").content
    assert warm == cold
    [item] = member_api.get("/topics").json()["items"]
    detail = member_api.get(f"/topics/{topic.pk}").json()  # rendered by django-ninja
    assert {key: detail[key] for key in item} == item

    make_reply(topic=topic, body="The Ember stove.")

    [item] = member_api.get("/topics").json()["items"]
    assert item["reply_count"] == 1


def test_each_caller_sees_their_own_reactions_on_cached_replies(
    member_api, other_api, member, space
):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, body="Try the Drift quilt.")
    other_api.get(f"/topics/{topic.pk}/replies")  # cached as the other member sees it
    services.toggle_reaction(post=reply, member=member, kind="like")

    mine = member_api.get(f"/topics/{topic.pk}/replies").json()["items"][0]["reactions"]
    theirs = other_api.get(f"/topics/{topic.pk}/replies").json()["items"][0]["reactions"]

    assert [(r["kind"], r["count"], r["mine"]) for r in mine if r["count"]] == [("like", 1, True)]
    assert [(r["kind"], r["count"], r["mine"]) for r in theirs if r["count"]] == [
        ("like", 1, False)
    ]


def test_an_edit_shows_on_the_next_replies_request(member_api, member, space):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, author=member, body="First version.")
    assert member_api.get(f"/topics/{topic.pk}/replies").json()["items"][0]["body"] == (
        "First version."
    )

    services.edit_post(post=reply, editor=member, body="Second version.")

    assert member_api.get(f"/topics/{topic.pk}/replies").json()["items"][0]["body"] == (
        "Second version."
    )
