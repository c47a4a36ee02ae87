"""Signed-in members get their topic, space and home pages, and token callers the API lists,
again from core.member_cache: any database write makes every entry stale, what one member
sees never reaches another, and a hit costs one query (the session)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from flywheel.accounts.services import create_access_token, revoke_access_token
from flywheel.community import services
from flywheel.community.models import (
    Post,
    ReactionKind,
    SpaceAccessGrant,
    Topic,
    TopicKind,
    Visibility,
)
from flywheel.core import member_cache
from flywheel.moderation.models import PostState, SanctionKind
from flywheel.moderation.services import issue_sanction, set_post_state
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

CSRF_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_ANYWHERE = re.compile(r"[A-Za-z0-9]{64}")


def was_hit(response) -> bool:
    return getattr(response, member_cache.HIT_ATTRIBUTE, False)


def get_twice(client, url, **kwargs):
    """The first request renders (and stores), the second is served from the cache."""
    first = client.get(url, **kwargs)
    second = client.get(url, **kwargs)
    assert first.status_code == second.status_code == 200
    assert not was_hit(first) and was_hit(second)
    return second


@pytest.fixture
def thread(space, member, other_member):
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION, body="Which tent?")
    mine = make_reply(topic=question, author=member, body="My own follow-up.")
    theirs = make_reply(topic=question, author=other_member, body="Try the Hubba Hubba.")
    return question, mine, theirs


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    # Today's visit is counted on the first request (trust); later ones may be cached.
    client.get(reverse("community:spaces"))
    return client


def test_a_second_request_is_served_from_the_cache_with_one_query(
    thread, member, django_assert_num_queries
):
    question, _, _ = thread
    client = signed_in(member)
    for url in (
        question.get_absolute_url(),
        reverse("community:home"),
        reverse("community:space", kwargs={"slug": question.space.slug}),
    ):
        first = client.get(url)
        with django_assert_num_queries(1):  # the session
            second = client.get(url)
        assert was_hit(second)
        same = CSRF_ANYWHERE.sub("token", first.content.decode())
        assert CSRF_ANYWHERE.sub("token", second.content.decode()) == same
        assert second["Cache-Control"] == "private"


@pytest.mark.parametrize("replies", [5, 50])
def test_a_hit_costs_one_query_with_5_and_50_replies(
    space, member, other_member, replies, django_assert_num_queries
):
    topic = make_topic(space=space, author=other_member)
    for number in range(replies):
        make_reply(topic=topic, author=member if number % 2 else other_member)
    client = signed_in(member)
    client.get(topic.get_absolute_url())
    client.get(topic.get_absolute_url())  # the first view's read mark was a write
    with django_assert_num_queries(1):
        assert was_hit(client.get(topic.get_absolute_url()))


def test_two_members_never_see_each_others_cached_page(thread, member, other_member):
    question, mine, theirs = thread
    services.toggle_reaction(member=member, post=theirs, kind=ReactionKind.values[0])
    url = question.get_absolute_url()
    edit_mine = reverse("community:post_edit", kwargs={"post_id": mine.pk})
    edit_theirs = reverse("community:post_edit", kwargs={"post_id": theirs.pk})
    as_member = signed_in(member)
    as_other = signed_in(other_member)
    get_twice(as_member, url)
    get_twice(as_other, url)
    for _ in range(2):
        mine_html = as_member.get(url).content.decode()
        theirs_html = as_other.get(url).content.decode()
        assert edit_mine in mine_html and edit_theirs not in mine_html
        assert edit_theirs in theirs_html and edit_mine not in theirs_html
        assert 'aria-pressed="true"' in mine_html
        assert 'aria-pressed="true"' not in theirs_html


def test_the_csrf_token_of_a_cached_page_is_the_members_own_and_works(thread, member):
    question, _, theirs = thread
    url = question.get_absolute_url()
    client = signed_in(member, enforce_csrf_checks=True)
    html = get_twice(client, url).content.decode()
    tokens = set(CSRF_IN_FORM.findall(html))
    assert tokens and not any("__flywheel" in token for token in tokens)
    response = client.post(
        reverse("community:post_react", kwargs={"post_id": theirs.pk}),
        {"kind": ReactionKind.values[0], "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code in (200, 302)
    assert theirs.reactions.filter(member=member).exists()
    # Another member's session gets a page with a token of their own session.
    other = signed_in(UserFactory(), enforce_csrf_checks=True)
    other_html = get_twice(other, url).content.decode()
    assert set(CSRF_IN_FORM.findall(other_html)).isdisjoint(CSRF_IN_FORM.findall(html))


def test_a_reaction_reply_and_edit_show_on_the_next_request(thread, member, other_member):
    question, mine, theirs = thread
    url = question.get_absolute_url()
    client = signed_in(member)
    get_twice(client, url)
    services.toggle_reaction(member=other_member, post=mine, kind=ReactionKind.values[0])
    page = client.get(url)
    assert not was_hit(page)
    make_reply(topic=question, author=other_member, body="A brand new answer.")
    assert "A brand new answer." in client.get(url).content.decode()
    services.edit_post(post=theirs, editor=other_member, body="Edited: the Copper Spur.")
    assert "Edited: the Copper Spur." in client.get(url).content.decode()


def test_a_post_moderation_hides_is_gone_on_the_next_request(thread, member, other_member):
    question, _, theirs = thread
    url = question.get_absolute_url()
    client = signed_in(member)
    assert "Try the Hubba Hubba." in get_twice(client, url).content.decode()
    set_post_state(theirs, PostState.HIDDEN)
    assert "Try the Hubba Hubba." not in client.get(url).content.decode()


def test_writes_without_signals_still_make_the_page_stale(thread, member):
    """QuerySet.update() and raw SQL send no signals; the write watch sees them anyway."""
    question, _, theirs = thread
    url = question.get_absolute_url()
    client = signed_in(member)
    get_twice(client, url)
    Topic.objects.filter(pk=question.pk).update(title="Renamed without a signal")
    assert "Renamed without a signal" in client.get(url).content.decode()
    assert was_hit(client.get(url))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Post._meta.db_table} SET body_html = %s WHERE id = %s",  # noqa: S608
            ["<p>Raw SQL body</p>", theirs.pk],
        )
    assert "Raw SQL body" in client.get(url).content.decode()


def test_only_tables_no_cached_page_reads_are_left_out_of_the_generation():
    """The list itself is checked against what the pages read in
    test_member_cache_ignored_tables.py; here, that the statements are told apart."""
    for table in (
        "django_session",  # part of the key instead
        "trust_topicread",  # trust levels only
        "trust_membervisit",  # trust levels only
        "core_activitydelivery",
        "search_searchdocument",
        "analytics_topicreadday",
    ):
        assert table in member_cache.IGNORED_TABLES
    for shown in ("community_topic", "community_post", "community_reaction", "accounts_user"):
        assert shown not in member_cache.IGNORED_TABLES
    assert not member_cache._is_counted_write('UPDATE "django_session" SET "session_data" = 1')
    assert not member_cache._is_counted_write('INSERT INTO "trust_topicread" VALUES (1)')
    assert not member_cache._is_counted_write('DELETE FROM "core_activitydelivery" WHERE 1')
    assert member_cache._is_counted_write('UPDATE "community_topic" SET "title" = 1')
    assert member_cache._is_counted_write("INSERT OR IGNORE INTO notifications_x VALUES (1)")
    assert not member_cache._is_counted_write("SELECT 1")


def test_a_ban_signs_the_member_out_on_the_next_request(
    thread, member, moderator, django_capture_on_commit_callbacks
):
    question, _, _ = thread
    url = question.get_absolute_url()
    client = signed_in(member)
    get_twice(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        issue_sanction(member=member, kind=SanctionKind.BAN, reason="Spam", by=moderator)
    response = client.get(url)
    assert not was_hit(response)
    assert response.status_code == 302 and response["Location"] == reverse("moderation:blocked")


def test_signing_out_shows_the_signed_out_page_at_once(thread, member):
    question, _, theirs = thread
    url = question.get_absolute_url()
    client = signed_in(member)
    get_twice(client, url)
    client.post(reverse("account_logout"))
    html = client.get(url).content.decode()
    assert reverse("community:post_edit", kwargs={"post_id": theirs.pk}) not in html
    assert reverse("account_login") in html


def test_staff_and_members_get_different_pages(thread, member, moderator):
    question, _, theirs = thread
    url = question.get_absolute_url()
    edit_theirs = reverse("community:post_edit", kwargs={"post_id": theirs.pk})
    assert edit_theirs in get_twice(signed_in(moderator), url).content.decode()
    assert edit_theirs not in get_twice(signed_in(member), url).content.decode()


def test_a_member_losing_a_gated_spaces_grant_is_locked_out_on_the_next_request(
    member, other_member
):
    gated = SpaceFactory(visibility=Visibility.GATED)
    SpaceAccessGrant.objects.create(space=gated, member=other_member, reason="staff gift")
    topic = make_topic(space=gated, author=other_member, body="For ticket holders.")
    grant = SpaceAccessGrant.objects.create(space=gated, member=member, reason="bought")
    space_url = reverse("community:space", kwargs={"slug": gated.slug})
    client = signed_in(member)
    for url in (topic.get_absolute_url(), space_url, reverse("community:home")):
        get_twice(client, url)
    grant.delete()
    assert client.get(topic.get_absolute_url()).status_code == 403
    assert client.get(space_url).status_code == 403
    assert topic.title not in client.get(reverse("community:home")).content.decode()


def test_pending_messages_and_htmx_requests_are_never_served_from_the_cache(thread, member):
    question, _, _ = thread
    url = question.get_absolute_url()
    client = signed_in(member)
    get_twice(client, url)
    assert not was_hit(client.get(url, headers={"HX-Request": "true"}))
    client.cookies["messages"] = "a message waiting to be shown"
    assert not was_hit(client.get(url))


def test_api_lists_with_a_token_are_cached_and_a_revoked_token_is_refused_at_once(
    thread, member, other_member
):
    question, _, _ = thread
    token, raw = create_access_token(user=member, name="test")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.get("/api/v1/topics")  # the token's first use stamps last_used_at (a write)
    for url in (
        f"/api/v1/topics?space={question.space.slug}",
        f"/api/v1/topics/{question.pk}/replies",
    ):
        get_twice(client, url)
    make_reply(topic=question, author=other_member, body="Fresh from the API.")
    replies = client.get(f"/api/v1/topics/{question.pk}/replies")
    assert "Fresh from the API." in replies.content.decode()
    revoke_access_token(token=token)
    assert client.get(f"/api/v1/topics/{question.pk}/replies").status_code == 401
    # Another member's token never gets the first member's answer.
    _other_token, other_raw = create_access_token(user=other_member, name="test")
    other = Client(headers={"Authorization": f"Bearer {other_raw}"})
    assert not was_hit(other.get(f"/api/v1/topics/{question.pk}/replies"))


def test_the_cache_can_be_turned_off(thread, member, settings):
    settings.FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS = 0
    question, _, _ = thread
    client = signed_in(member)
    client.get(question.get_absolute_url())
    assert not was_hit(client.get(question.get_absolute_url()))


def test_a_miss_reads_the_primary_so_a_lagging_replica_is_never_kept():
    from flywheel.core import db_routing

    state = db_routing._RequestState(may_use_replica=True)
    token = db_routing._state.set(state)
    try:
        db_routing.read_primary_from_now_on()
        assert state.may_use_replica is False
        assert db_routing.ReplicaRouter().db_for_read(Topic) == db_routing.PRIMARY
    finally:
        db_routing._state.reset(token)
