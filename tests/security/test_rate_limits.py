"""Write allowances depend on trust level; past them pages and the API answer 429."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from flywheel.community import services
from flywheel.community.models import Topic
from flywheel.core import ratelimit
from flywheel.core.exceptions import RateLimited
from flywheel.core.ratelimit import (
    check_action_rate_limit,
    level_from_account_age,
    parse_rate,
    rates_for,
    trust_level_of,
)
from tests.api.conftest import ApiClient, token_for
from tests.factories import AdminFactory, ModeratorFactory, UserFactory, make_topic

pytestmark = pytest.mark.django_db
AGE_RESOLVER = "flywheel.core.ratelimit.level_from_account_age"


def _new_topic(space, number):
    return {"space": space.slug, "title": f"Topic number {number}", "body": "Body text"}


def test_rates_parse_with_multiples():
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("5/5m") == (5, 300)
    assert parse_rate("3/d") == (3, 86400)


def test_a_new_member_may_start_three_topics_an_hour_then_gets_429_with_retry_after(member, space):
    api = ApiClient(token=token_for(member))
    for number in range(3):
        assert api.post("/topics", _new_topic(space, number)).status_code == 201

    response = api.post("/topics", _new_topic(space, 4))

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Topic.objects.count() == 3


def test_the_new_topic_page_says_slow_down_with_429_and_retry_after(client, member, space):
    client.force_login(member)
    url = reverse("community:new_topic", kwargs={"slug": space.slug})
    for number in range(3):
        data = {"title": f"Topic number {number}", "body": "Body", "kind": "discussion"}
        assert client.post(url, data).status_code == 302

    response = client.post(url, {"title": "One more topic", "body": "Body", "kind": "discussion"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "You are doing that too often" in response.content.decode()


def test_an_older_account_gets_a_higher_allowance(settings, member, space):
    settings.FLYWHEEL_TRUST_LEVEL_RESOLVER = AGE_RESOLVER
    member.date_joined = timezone.now() - timedelta(days=40)
    member.save(update_fields=["date_joined"])
    api = ApiClient(token=token_for(member))

    assert trust_level_of(member) == 2
    for number in range(5):
        assert api.post("/topics", _new_topic(space, number)).status_code == 201


def test_account_age_levels(member):
    assert level_from_account_age(member) == 0
    member.date_joined = timezone.now() - timedelta(days=2)
    assert level_from_account_age(member) == 1
    member.date_joined = timezone.now() - timedelta(days=31)
    assert level_from_account_age(member) == 2


def test_the_brand_team_is_never_limited_by_level(space):
    for staff in (ModeratorFactory(), AdminFactory()):
        for _attempt in range(20):
            check_action_rate_limit(member=staff, action="topic")


def test_replies_and_reactions_have_their_own_allowances(settings, member, space):
    settings.FLYWHEEL_RATE_LIMITS = {"reply": {0: "1/h"}, "reaction": {0: "1/h"}}
    topic = make_topic(space=space)
    opening = topic.posts.get(number=1)
    services.create_reply(author=member, topic=topic, body="First")
    with pytest.raises(RateLimited):
        services.create_reply(author=member, topic=topic, body="Second")
    services.toggle_reaction(member=member, post=opening, kind="like")
    with pytest.raises(RateLimited):
        services.toggle_reaction(member=member, post=opening, kind="heart")
    # Taking a reaction back is never limited.
    assert services.toggle_reaction(member=member, post=opening, kind="like") is False


def test_limits_are_configurable_per_level_and_unlisted_levels_use_the_nearest_lower(settings):
    settings.FLYWHEEL_RATE_LIMITS = {"flag": {0: "2/h", 2: "5/h", 4: None}}
    assert rates_for(action="flag", level=0) == ["2/h"]
    assert rates_for(action="flag", level=1) == ["2/h"]
    assert rates_for(action="flag", level=3) == ["5/h"]
    assert rates_for(action="flag", level=4) == []
    assert rates_for(action="message", level=0) == []


def test_every_window_counts_and_the_longest_wait_is_reported(settings, monkeypatch):
    """At noon UTC the day's window has twelve hours left and the hour's one: the day's wait is
    reported. (Windows end on UTC boundaries, so the clock is fixed: shortly before midnight
    both waits are minutes long.)"""
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=UTC).timestamp()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: noon))
    settings.FLYWHEEL_RATE_LIMITS = {"message": {0: "5/h,1/d"}}
    member = UserFactory()
    check_action_rate_limit(member=member, action="message")
    with pytest.raises(RateLimited) as limited:
        check_action_rate_limit(member=member, action="message")
    assert limited.value.retry_after == 12 * 3600


def test_limits_for_flags_and_messages_ship_for_every_level(settings):
    for action in ("topic", "reply", "reaction", "flag", "message"):
        assert 0 in settings.FLYWHEEL_RATE_LIMITS[action]
