import pytest
from django.urls import reverse

from flywheel.community.models import Post
from flywheel.core.exceptions import RateLimited
from flywheel.moderation import services
from flywheel.moderation.models import ActionKind, ModerationAction
from tests.factories import make_reply, make_topic
from tests.moderation.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_slow_mode_refuses_a_fast_second_reply_naming_the_topic(member, space, staff):
    topic = make_topic(space=space)
    services.set_slow_mode(topic=topic, seconds=120, by=staff, reason="Heated")
    make_reply(topic=topic, author=member, body="First take")
    with pytest.raises(RateLimited) as refused:
        make_reply(topic=topic, author=member, body="Second take")
    assert refused.value.field == "topic"
    assert "slow mode" in refused.value.message
    assert 1 <= refused.value.retry_after <= 120


def test_slow_mode_answers_429_on_the_page_and_the_api(member, space, staff):
    from tests.api.conftest import ApiClient, token_for

    topic = make_topic(space=space)
    services.set_slow_mode(topic=topic, seconds=60, by=staff)
    client = signed_in(member)
    first = client.post(reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "One"})
    assert first.status_code == 302
    second = client.post(reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "Two"})
    assert second.status_code == 429
    assert "slow mode" in second.content.decode()
    assert "Retry-After" in second
    api = ApiClient(token=token_for(member)).post(f"/topics/{topic.pk}/replies", {"body": "Three"})
    assert api.status_code == 429
    assert api.json()["error"]["fields"] == {"topic": [api.json()["error"]["message"]]}
    assert Post.objects.filter(topic=topic, author=member).count() == 1


def test_moderators_are_exempt_from_slow_mode(space, staff):
    topic = make_topic(space=space)
    services.set_slow_mode(topic=topic, seconds=300, by=staff)
    make_reply(topic=topic, author=staff, body="Calm down, please")
    make_reply(topic=topic, author=staff, body="Really")
    assert topic.posts.count() == 3


def test_members_cannot_set_slow_mode_and_bad_values_are_refused(member, space, staff):
    topic = make_topic(space=space)
    response = signed_in(member).post(
        reverse("moderation:topic_tools", kwargs={"topic_id": topic.pk}),
        {"action": "slow_mode", "seconds": "30"},
    )
    assert response.status_code == 403
    bad = signed_in(staff).post(
        reverse("moderation:topic_tools", kwargs={"topic_id": topic.pk}),
        {"action": "slow_mode", "seconds": "soon"},
    )
    assert bad.status_code == 422


def test_locking_a_heated_topic_stops_member_replies_and_is_logged(member, space, staff):
    topic = make_topic(space=space)
    signed_in(staff).post(
        reverse("moderation:topic_tools", kwargs={"topic_id": topic.pk}),
        {"action": "lock", "reason": "Cooling off"},
    )
    response = signed_in(member).post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "But wait"}
    )
    assert response.status_code == 403
    row = ModerationAction.objects.get(action=ActionKind.LOCK)
    assert row.before == {"locked": False} and row.after == {"locked": True}
