"""Cursor pagination walks every item once, in order, whatever the page size and ties."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flywheel.api.pagination import decode_cursor, encode_cursor
from flywheel.community.models import Topic
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

FIXTURE_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BASE_TIME = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def walk(api, path, *, limit, params=None):
    """Every item id over all pages, following next_cursor until it is null."""
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit, **(params or {}), **({"cursor": cursor} if cursor else {})}
        response = api.get(path, query)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= limit
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        pages += 1
        assert pages <= 100, "the cursor never ran out"
        if cursor is None:
            return seen


@pytest.fixture
def twelve_topics(space):
    return [make_topic(space=space, title=f"Topic number {n}") for n in range(12)]


@FIXTURE_SETTINGS
@given(
    limit=st.integers(min_value=1, max_value=13),
    minutes=st.lists(st.integers(min_value=0, max_value=3), min_size=12, max_size=12),
    pinned=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_walking_topics_returns_each_once_in_listing_order(
    anonymous_api, twelve_topics, limit, minutes, pinned
):
    # Few distinct times and pinned flags: plenty of ties for the id to break.
    for topic, minute, is_pinned in zip(twelve_topics, minutes, pinned, strict=True):
        Topic.objects.filter(pk=topic.pk).update(
            last_posted_at=BASE_TIME + datetime.timedelta(minutes=minute), is_pinned=is_pinned
        )
    expected = list(
        Topic.objects.order_by("-is_pinned", "-last_posted_at", "-id").values_list("pk", flat=True)
    )
    assert walk(anonymous_api, "/topics", limit=limit) == expected


@FIXTURE_SETTINGS
@given(limit=st.integers(min_value=1, max_value=10))
def test_walking_replies_returns_each_once_in_number_order(anonymous_api, space, limit):
    topic = Topic.objects.filter(title="Reply walk").first() or make_topic(
        space=space, title="Reply walk"
    )
    while topic.posts.count() < 8:
        make_reply(topic=topic)
    expected = list(
        topic.posts.filter(number__gt=1).order_by("number").values_list("pk", flat=True)
    )
    assert walk(anonymous_api, f"/topics/{topic.pk}/replies", limit=limit) == expected


@FIXTURE_SETTINGS
@given(limit=st.integers(min_value=1, max_value=8))
def test_walking_members_returns_each_once(anonymous_api, limit):
    while UserFactory._meta.model.objects.count() < 7:
        UserFactory()
    expected = list(UserFactory._meta.model.objects.order_by("id").values_list("pk", flat=True))
    assert walk(anonymous_api, "/members", limit=limit) == expected


def test_a_topic_added_while_walking_does_not_repeat_or_skip_older_ones(
    anonymous_api, space, twelve_topics
):
    first = anonymous_api.get("/topics", {"limit": 5}).json()
    make_topic(space=space, title="A brand new topic")  # lands at the top, before the cursor
    rest = walk(anonymous_api, "/topics", limit=5, params={"cursor": first["next_cursor"]})
    seen = [item["id"] for item in first["items"]] + rest
    assert sorted(seen) == sorted(topic.pk for topic in twelve_topics)


def test_the_last_page_has_no_next_cursor(anonymous_api, twelve_topics):
    assert anonymous_api.get("/topics", {"limit": 12}).json()["next_cursor"] is None
    assert anonymous_api.get("/topics", {"limit": 11}).json()["next_cursor"] is not None


@given(
    values=st.tuples(
        st.booleans(),
        st.datetimes(timezones=st.just(datetime.UTC)),
        st.integers(min_value=1, max_value=2**63 - 1),
    )
)
def test_a_cursor_decodes_to_the_values_it_was_made_from(values):
    cursor = encode_cursor(values)
    assert cursor.isascii() and "=" not in cursor
    decoded = decode_cursor(cursor, model=Topic, names=["is_pinned", "last_posted_at", "id"])
    assert decoded == list(values)
