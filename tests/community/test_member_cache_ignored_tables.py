"""Writes to core.member_cache.IGNORED_TABLES move no generation, so no cached page may read
them: every cached page family is rendered here with the caches empty, every SELECT is
captured, and a table both read by a page and ignored fails the suite."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flywheel.accounts.services import create_access_token
from flywheel.community import services
from flywheel.community.models import SpaceAccessGrant, TopicKind, Visibility
from flywheel.core import member_cache
from tests.factories import ModeratorFactory, SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

# Read by every signed-in request, and part of the entry's key instead of the generation.
IN_THE_KEY = {"django_session"}
READ_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+[\"`]?(\w+)", re.IGNORECASE)


def tables_read(queries: list[dict]) -> set[str]:
    tables = set()
    for query in queries:
        sql = query["sql"]
        if member_cache.WRITE_STATEMENT.match(sql) and not sql.lstrip().upper().startswith("WITH"):
            continue  # a write's own subqueries shape no response
        tables.update(name.lower() for name in READ_TABLE.findall(sql))
    return tables


@pytest.fixture
def community(space, member, other_member):
    """Enough of everything that each page shows its optional parts: replies, reactions,
    an accepted answer, tags, follows, a closed space the member may read."""
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION, body="Which tent?")
    answer = make_reply(topic=question, author=other_member, body="The Hubba Hubba.")
    make_reply(topic=question, author=member, body="Thanks!", reply_to=answer)
    services.toggle_reaction(member=member, post=answer, kind="like")
    services.accept_answer(reply=answer, by=member)
    services.follow(follower=member, space=space)
    gated = SpaceFactory(visibility=Visibility.GATED)
    for reader in (member, other_member):
        SpaceAccessGrant.objects.create(space=gated, member=reader, reason="bought")
    make_topic(space=gated, author=other_member, body="For ticket holders.")
    return question


def cached_page_requests(question, member) -> list[tuple[Client, str]]:
    pages = [
        question.get_absolute_url(),
        reverse("community:space", kwargs={"slug": question.space.slug}),
        reverse("community:space_unanswered", kwargs={"slug": question.space.slug}),
        reverse("community:home"),
    ]
    signed_in = Client()
    signed_in.force_login(member)
    moderator = Client()
    moderator.force_login(ModeratorFactory())
    _token, raw = create_access_token(user=member, name="tables")
    token = Client(headers={"Authorization": f"Bearer {raw}"})
    return [
        *((client, url) for client in (Client(), signed_in, moderator) for url in pages),
        (token, f"/api/v1/topics?space={question.space.slug}"),
        (token, f"/api/v1/topics/{question.pk}/replies"),
    ]


def test_no_cached_page_reads_a_table_whose_writes_move_no_generation(community, member):
    for view_name in member_cache.cacheable_views:
        assert view_name in {
            "community:home",
            "community:space",
            "community:space_unanswered",
            "community:topic",
            "api:list_topics",
            "api:list_replies",
        }, f"{view_name} is cached: add it to this test"
    read = {}
    for client, url in cached_page_requests(community, member):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        for table in tables_read(captured.captured_queries):
            read.setdefault(table, set()).add(url)
    assert {"community_topic", "community_post", "accounts_user"} <= set(read)  # it captured
    leaking = {
        table: urls
        for table, urls in read.items()
        if table in member_cache.IGNORED_TABLES and table not in IN_THE_KEY
    }
    assert not leaking, f"cached pages read tables in IGNORED_TABLES: {leaking}"
