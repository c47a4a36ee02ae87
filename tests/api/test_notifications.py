"""The caller's notifications over the API."""

import pytest

from flywheel.community.models import Visibility
from flywheel.notifications.models import Notification
from tests.api.conftest import assert_error
from tests.factories import SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(django_capture_on_commit_callbacks):
    """Runs the block's activity consumers (notifications among them) as a commit would."""

    def run(create):
        with django_capture_on_commit_callbacks(execute=True):
            return create()

    return run


def test_a_reply_to_my_topic_shows_in_my_notifications(
    member_api, member, other_member, space, notified
):
    topic = make_topic(space=space, author=member)
    reply = notified(lambda: make_reply(topic=topic, author=other_member))
    (item,) = member_api.get("/notifications").json()["items"]
    assert item["kind"] == "reply"
    assert item["actor"]["handle"] == other_member.handle
    assert item["topic"]["id"] == topic.pk
    assert item["post_id"] == reply.pk
    assert item["url"].endswith(f"#post-{reply.number}")
    assert item["is_read"] is False


def test_unread_count_and_marking_some_read(member_api, member, other_member, space, notified):
    topic = make_topic(space=space, author=member)
    for _ in range(3):
        notified(lambda: make_reply(topic=topic, author=other_member))
    assert member_api.get("/notifications/unread-count").json() == {"unread_count": 3}
    first_id = member_api.get("/notifications").json()["items"][0]["id"]

    response = member_api.post("/notifications/read", {"ids": [first_id]})
    assert response.json() == {"marked": 1, "unread_count": 2}
    unread = member_api.get("/notifications", {"unread": "true"}).json()["items"]
    assert first_id not in [item["id"] for item in unread]
    assert len(unread) == 2

    assert member_api.post("/notifications/read", {}).json() == {"marked": 2, "unread_count": 0}


def test_a_member_cannot_mark_someone_elses_notifications(
    other_api, member, other_member, space, notified
):
    topic = make_topic(space=space, author=member)
    notified(lambda: make_reply(topic=topic, author=other_member))
    notification = Notification.objects.get(recipient=member)
    assert other_api.post("/notifications/read", {"ids": [notification.pk]}).json()["marked"] == 0
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notifications_about_spaces_i_can_no_longer_read_are_hidden(
    member_api, member, other_member, notified
):
    space = SpaceFactory()
    topic = make_topic(space=space, author=member)
    notified(lambda: make_reply(topic=topic, author=other_member))
    space.visibility = Visibility.GATED
    space.save(update_fields=["visibility"])
    assert member_api.get("/notifications").json()["items"] == []


def test_marking_read_with_bad_ids_is_a_422_naming_ids(member_api):
    assert_error(member_api.post("/notifications/read", {"ids": ["x"]}), 422, field="ids.0")
    assert_error(member_api.post("/notifications/read", {"ids": [0]}), 422)
