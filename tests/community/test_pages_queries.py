"""Pages keep a flat query budget: the count with 50 items equals the count with 5."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flywheel.community import services
from flywheel.community.models import ReactionKind, TopicKind
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    client.get(url)  # warm process-wide caches (the Site row) so both counts start equal
    cache.clear()  # measure rendering, not the signed-out topic page cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_topics(space, count):
    authors = [UserFactory() for _ in range(3)]
    for number in range(count):
        topic = make_topic(
            space=space,
            author=authors[number % 3],
            title=f"Topic {number}",
            kind=TopicKind.QUESTION if number % 2 else TopicKind.DISCUSSION,
            tags=["gear", f"tag{number % 4}"],
        )
        make_reply(topic=topic, author=authors[(number + 1) % 3])


def add_replies(topic, count, reactors):
    kinds = ReactionKind.values
    previous = None
    for number in range(count):
        reply = make_reply(
            topic=topic,
            author=reactors[number % len(reactors)],
            body=f"Reply {number}",
            reply_to=previous,
        )
        for index, reactor in enumerate(reactors[:2]):
            services.toggle_reaction(member=reactor, post=reply, kind=kinds[(number + index) % 6])
        previous = reply


@pytest.mark.parametrize("signed_in", [False, True])
def test_space_topic_list_query_count_does_not_grow_with_topics(
    client, django_assert_num_queries, member, signed_in
):
    space = SpaceFactory()
    add_topics(space, 5)
    if signed_in:
        client.force_login(member)
    url = reverse("community:space", kwargs={"slug": space.slug})
    with_five = count_queries(client, url)
    add_topics(space, 45)
    cache.clear()
    with django_assert_num_queries(with_five):
        response = client.get(url)
    assert response.content.decode().count('class="fw-topic-row') == 25


@pytest.mark.parametrize("signed_in", [False, True])
def test_topic_page_query_count_does_not_grow_with_replies_and_reactions(
    client, django_assert_num_queries, member, moderator, signed_in
):
    space = SpaceFactory()
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION)
    reactors = [UserFactory(), UserFactory(), moderator]
    add_replies(question, 5, reactors)
    services.accept_answer(reply=question.posts.get(number=3), by=member)
    if signed_in:
        client.force_login(member)
    url = question.get_absolute_url()
    with_five = count_queries(client, url)
    add_replies(question, 45, reactors)
    cache.clear()
    with django_assert_num_queries(with_five):
        response = client.get(url)
    assert response.content.decode().count('class="card fw-post') == 50


def test_home_query_count_does_not_grow_with_topics_or_spaces(
    client, django_assert_num_queries, member
):
    client.force_login(member)
    space = SpaceFactory()
    add_topics(space, 5)
    url = reverse("community:home")
    with_five = count_queries(client, url)
    for _ in range(5):
        add_topics(SpaceFactory(), 9)
    with django_assert_num_queries(with_five):
        client.get(url)
