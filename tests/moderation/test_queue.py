import pytest
from django.test import Client
from django.urls import reverse

from flywheel.community.models import Post, Topic
from flywheel.moderation import services
from flywheel.moderation.models import (
    ActionKind,
    Flag,
    ModeratedPost,
    ModerationAction,
    ModerationNotice,
    ReviewItem,
    TopicRedirect,
)
from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import UserFactory, make_reply, make_topic
from tests.moderation.conftest import signed_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def flagged_reply(space, *, body="This is an off-topic rant about politics"):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, body=body)
    services.raise_flag(flagger=UserFactory(), target=reply, reason="off_topic")
    return reply, ReviewItem.objects.get(post=reply)


def act(client, item, **data):
    return client.post(reverse("moderation:queue_action", kwargs={"item_id": item.pk}), data)


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(QUEUE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_members_are_refused_the_queue_and_its_actions(member, space):
    _reply, item = flagged_reply(space)
    assert signed_in(member).get(QUEUE).status_code == 403
    assert act(signed_in(member), item, action="approve").status_code == 403
    assert ReviewItem.objects.get(pk=item.pk).state == "open"


def test_space_moderators_see_their_spaces_only(space, other_space, space_moderator):
    mine, _item = flagged_reply(space, body="Flagged in my own space")
    theirs, _other = flagged_reply(other_space, body="Flagged somewhere else")
    html = signed_in(space_moderator).get(QUEUE).content.decode()
    assert "Flagged in my own space" in html
    assert "Flagged somewhere else" not in html


def test_a_moderator_of_another_space_cannot_act_on_an_item(other_space, space_moderator):
    _reply, item = flagged_reply(other_space)
    response = act(signed_in(space_moderator), item, action="reject", reason="No")
    assert response.status_code == 403
    assert ReviewItem.objects.get(pk=item.pk).state == "open"


def test_the_brand_team_sees_every_space(space, other_space, staff):
    flagged_reply(space, body="Flagged in my own space")
    flagged_reply(other_space, body="Flagged somewhere else")
    html = signed_in(staff).get(QUEUE).content.decode()
    assert "Flagged in my own space" in html and "Flagged somewhere else" in html


def test_approving_shows_a_hidden_post_again_and_dismisses_its_flags(settings, space, staff):
    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 0.1
    reply, item = flagged_reply(space, body="Actually a fair point about the zip")
    assert ModeratedPost.objects.get(post=reply).state == "hidden"
    response = act(signed_in(staff), item, action="approve", reason="Looks fine")
    assert response.status_code == 302
    assert ModeratedPost.objects.get(post=reply).state == "approved"
    assert Flag.objects.get().state == "dismissed"
    assert (
        "a fair point about the zip"
        in Client().get(reply.topic.get_absolute_url()).content.decode()
    )
    assert Notification.objects.get(recipient=reply.author).kind == NotificationKind.MOD_APPROVED


def test_rejecting_needs_a_reason_that_reaches_the_author(space, staff):
    reply, item = flagged_reply(space)
    refused = act(signed_in(staff), item, action="reject", reason="")
    assert refused.status_code == 422
    assert ReviewItem.objects.get(pk=item.pk).state == "open"

    act(signed_in(staff), item, action="reject", reason="Keep politics out of the gear talk")

    assert ModeratedPost.objects.get(post=reply).state == "rejected"
    notification = Notification.objects.get(recipient=reply.author)
    assert notification.kind == NotificationKind.MOD_REJECTED
    assert notification.get_absolute_url() == reverse("moderation:notices")
    page = signed_in(reply.author).get(reverse("moderation:notices")).content.decode()
    assert "Keep politics out of the gear talk" in page
    assert "off-topic rant" not in Client().get(reply.topic.get_absolute_url()).content.decode()


def test_the_audit_log_keeps_before_and_after_of_a_rejection(space, staff):
    reply, item = flagged_reply(space)
    act(signed_in(staff), item, action="reject", reason="Off topic")
    row = ModerationAction.objects.get(action=ActionKind.REJECT)
    assert row.actor == staff
    assert row.before["state"] == "visible" and row.before["post_id"] == reply.pk
    assert row.after == {"state": "rejected"}
    assert row.reason == "Off topic"
    assert len(row.ip_hash) == 64


def test_editing_from_the_queue_keeps_history_and_tells_the_author(space, staff):
    reply, item = flagged_reply(space, body="Call me on 555 0100 for cheap tents")
    act(
        signed_in(staff),
        item,
        action="edit",
        body="[phone number removed by a moderator]",
        reason="No phone numbers, please",
    )
    reply.refresh_from_db()
    assert reply.body == "[phone number removed by a moderator]"
    assert reply.revisions.get().body == "Call me on 555 0100 for cheap tents"
    row = ModerationAction.objects.get(action=ActionKind.EDIT)
    assert row.before["body"].startswith("Call me") and row.after["body"].startswith("[phone")
    assert ModerationNotice.objects.get(recipient=reply.author).reason == "No phone numbers, please"


def test_deleting_from_the_queue_deletes_the_post(space, staff):
    reply, item = flagged_reply(space)
    act(signed_in(staff), item, action="delete", reason="Spam")
    assert Post.objects.get(pk=reply.pk).deleted_at is not None
    assert Notification.objects.get(recipient=reply.author).kind == NotificationKind.MOD_DELETED


def test_a_decided_item_cannot_be_decided_twice(space, staff):
    _reply, item = flagged_reply(space)
    act(signed_in(staff), item, action="approve")
    second = act(signed_in(staff), item, action="reject", reason="Too late")
    assert second.status_code == 409


def test_moving_a_topic_to_another_space_tells_the_author(space, other_space, staff):
    topic = make_topic(space=space, title="Wrong place for this question")
    services.raise_flag(flagger=UserFactory(), target=topic, reason="off_topic")
    item = ReviewItem.objects.get()
    act(signed_in(staff), item, action="move", space=other_space.slug, reason="Belongs in bikes")
    topic.refresh_from_db()
    assert topic.space == other_space
    other_space.refresh_from_db()
    assert other_space.topic_count == 1
    row = ModerationAction.objects.get(action=ActionKind.MOVE)
    assert row.before == {"space": space.slug} and row.after == {"space": other_space.slug}
    assert Notification.objects.get(recipient=topic.author).kind == NotificationKind.MOD_MOVED


def test_a_space_moderator_cannot_move_a_topic_into_a_space_they_do_not_moderate(
    space, other_space, space_moderator
):
    topic = make_topic(space=space)
    response = signed_in(space_moderator).post(
        reverse("moderation:topic_tools", kwargs={"topic_id": topic.pk}),
        {"action": "move", "space": other_space.slug, "reason": "Elsewhere"},
    )
    assert response.status_code == 403
    assert Topic.objects.get(pk=topic.pk).space == space


def test_merging_appends_the_posts_and_redirects_the_old_address(space, staff):
    into = make_topic(space=space, title="Best tents under 2 kg")
    make_reply(topic=into, body="Go for the Hubba Hubba")
    source = make_topic(space=space, title="Lightest two person tent?", body="Any ideas?")
    make_reply(topic=source, body="The Copper Spur is light")
    old_url = source.get_absolute_url()
    response = signed_in(staff).post(
        reverse("moderation:topic_tools", kwargs={"topic_id": source.pk}),
        {"action": "merge", "into": str(into.pk), "reason": "Same question"},
    )
    assert response.status_code == 302
    numbers = list(into.posts.order_by("number").values_list("number", "body"))
    assert numbers[2:] == [(3, "Any ideas?"), (4, "The Copper Spur is light")]
    into.refresh_from_db()
    assert into.reply_count == 3
    assert TopicRedirect.objects.get(from_topic=source).to_topic == into
    redirect = Client().get(old_url)
    assert redirect.status_code == 301
    assert redirect["Location"] == into.get_absolute_url()
    assert Notification.objects.get(recipient=source.author).kind == NotificationKind.MOD_MERGED


def test_merging_a_topic_into_itself_is_refused(space, staff):
    topic = make_topic(space=space)
    response = signed_in(staff).post(
        reverse("moderation:topic_tools", kwargs={"topic_id": topic.pk}),
        {"action": "merge", "into": str(topic.pk), "reason": "x"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_page_query_count_is_flat(count, space, staff, django_assert_num_queries):
    for index in range(count):
        flagged_reply(space, body=f"Flagged reply number {index}")
    client = signed_in(staff)
    client.get(QUEUE)
    # session, member, count, items (with posts, topics, spaces, authors), flags, spaces list
    with django_assert_num_queries(6):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 fw-review-item"') == count


def test_the_queue_api_lists_items_for_moderators_and_refuses_members(space, staff, member):
    from tests.api.conftest import ApiClient, token_for

    reply, item = flagged_reply(space)
    listing = ApiClient(token=token_for(staff)).get("/moderation/queue")
    assert listing.status_code == 200
    assert listing.json()["items"][0]["post_id"] == reply.pk
    assert ApiClient(token=token_for(member)).get("/moderation/queue").status_code == 403
    decided = ApiClient(token=token_for(staff)).post(
        f"/moderation/queue/{item.pk}/decision", {"action": "reject", "reason": "Off topic"}
    )
    assert decided.status_code == 200
    assert ModeratedPost.objects.get(post=reply).state == "rejected"


# POST /api/v1/moderation/queue/{id}/decision: permission before the body -------------------


@pytest.mark.parametrize(
    "body",
    [
        {"action": "approve"},
        {},
        {"action": "nuke", "reason": 42},
        "not json at all",
    ],
    ids=["valid", "empty", "invalid", "malformed"],
)
def test_a_plain_member_gets_403_from_the_decision_api_whatever_the_body(space, member, body):
    from tests.api.conftest import ApiClient, token_for

    _reply, item = flagged_reply(space)
    api = ApiClient(token=token_for(member))
    path = f"/moderation/queue/{item.pk}/decision"

    if isinstance(body, str):
        response = api.post(path, raw_body=body)
    else:
        response = api.post(path, body)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    item.refresh_from_db()
    assert item.state == "open"


def test_the_decision_api_refuses_anonymous_callers_with_401(space):
    from tests.api.conftest import ApiClient

    _reply, item = flagged_reply(space)

    response = ApiClient().post(f"/moderation/queue/{item.pk}/decision", {"action": "nuke"})

    assert response.status_code == 401


def test_a_moderators_bad_decision_is_a_422_naming_the_field(space, staff):
    from tests.api.conftest import ApiClient, token_for

    _reply, item = flagged_reply(space)
    api = ApiClient(token=token_for(staff))
    path = f"/moderation/queue/{item.pk}/decision"

    invalid = api.post(path, {"action": "nuke"})
    missing = api.post(path, {"reason": "no action"})
    malformed = api.post(path, raw_body="{not json")

    assert invalid.status_code == 422 and "action" in invalid.json()["error"]["fields"]
    assert missing.json()["error"]["fields"] == {"action": ["This field is required."]}
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "malformed_json"
    item.refresh_from_db()
    assert item.state == "open"


def test_the_openapi_document_still_describes_the_decision_body(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/moderation/queue/{item_id}/decision"]["post"]

    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(schema["properties"]) == {"action", "reason"}
    assert schema["properties"]["action"]["enum"] == ["approve", "reject", "dismiss", "delete"]
    assert schema["required"] == ["action"]
