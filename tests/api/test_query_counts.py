"""Every API list costs the same number of queries for 5 items as for 50.

The budgets are pinned: a change that adds a query to a list must say why here.
Token auth costs one query (the token with its member; last_used_at is written at most
every five minutes, and the token here was just used by nothing).
"""

import pytest
from django.utils import timezone

from flywheel.community import services
from flywheel.community.models import Reaction, SpaceMembership
from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

SIZES = [5, 50]


@pytest.fixture
def counted(member_api, django_assert_num_queries):
    """GET a path and assert it used exactly `queries` queries and returned `items` items."""
    member_api.get("/me")  # token's last_used_at is now fresh: later requests do not write it

    def get(path, *, queries, items, params=None):
        with django_assert_num_queries(queries):
            response = member_api.get(path, {"limit": 100, **(params or {})})
        assert response.status_code == 200, response.content
        assert len(response.json()["items"]) == items

    return get


@pytest.mark.parametrize("size", SIZES)
def test_space_list_queries_stay_flat(counted, member, size):
    for _ in range(size):
        services.join_space(member=member, space=SpaceFactory())
    # token, readable spaces (+ gate check list), page, memberships, follows
    counted("/spaces", queries=5, items=size)


@pytest.mark.parametrize("size", SIZES)
def test_topic_list_queries_stay_flat(counted, space, size):
    for number in range(size):
        make_topic(space=space, title=f"Topic {number}", tags=["gear", f"t{number % 3}"])
    # token, gate check list, page of topics (space, author, last poster joined), tags
    counted("/topics", queries=4, items=size)


@pytest.mark.parametrize("size", SIZES)
def test_reply_list_queries_stay_flat(counted, member, space, size):
    topic = make_topic(space=space)
    previous = None
    for _ in range(size):
        previous = make_reply(topic=topic, reply_to=previous)
        Reaction.objects.create(
            post=previous, member=member, kind="like", created_at=timezone.now()
        )
    # token, topic with space, page of replies (authors, quoted posts joined), reactions
    counted(f"/topics/{topic.pk}/replies", queries=4, items=size)


@pytest.mark.parametrize("size", SIZES)
def test_space_member_list_queries_stay_flat(counted, space, size):
    for _ in range(size):
        SpaceMembership.objects.create(space=space, member=UserFactory(), joined_at=timezone.now())
    # token, space, page of memberships with members
    counted(f"/spaces/{space.slug}/members", queries=3, items=size)


@pytest.mark.parametrize("size", SIZES)
def test_member_list_queries_stay_flat(counted, size):
    UserFactory.create_batch(size - 1)  # the caller is a member too
    # token, page of members
    counted("/members", queries=2, items=size)


@pytest.mark.parametrize("size", SIZES)
def test_notification_list_queries_stay_flat(counted, member, other_member, space, size):
    topic = make_topic(space=space, author=member)
    for _ in range(size):
        reply = make_reply(topic=topic, author=other_member)
        Notification.objects.create(
            recipient=member,
            kind=NotificationKind.REPLY,
            actor=other_member,
            topic=topic,
            post=reply,
            created_at=timezone.now(),
        )
    # token, gate check list, page of notifications (actor, topic, post joined)
    counted("/notifications", queries=3, items=size)


@pytest.mark.parametrize("size", SIZES)
def test_search_queries_stay_flat(counted, space, size, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(size):
            make_topic(space=space, title=f"Stove {number}", body="A stove for winter")
    # token, readable space ids (gate check list, the ids), ranked ids (on PostgreSQL with
    # the ranking candidates in the same statement: search/backends.py), their rows
    counted("/search", queries=5, items=min(size, 50), params={"q": "stove", "limit": 50})
