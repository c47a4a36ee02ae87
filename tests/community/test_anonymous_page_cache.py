"""Signed-out visitors get the topic, space and home pages again from core.member_cache: one
identity for everyone without a session, the same global write generation as members' pages
(any write shows on the next request), no query on a hit, languages and pages kept apart, the
edge cache headers the same on a hit and a miss, and nothing a member sees ever reaching a
signed-out visitor."""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse

from flywheel.community import services
from flywheel.community.models import Post, SpaceAccessGrant, Topic, Visibility
from flywheel.core import member_cache
from flywheel.moderation.models import PostState
from flywheel.moderation.services import set_post_state
from tests.factories import SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

EDGE_HEADERS = ("Cache-Control", "Surrogate-Key", "Cache-Tag", "Vary", "Content-Language")
TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def was_hit(response) -> bool:
    return getattr(response, member_cache.HIT_ATTRIBUTE, False)


def page_urls(topic) -> list[str]:
    return [
        topic.get_absolute_url(),
        reverse("community:space", kwargs={"slug": topic.space.slug}),
        reverse("community:home"),
    ]


@pytest.fixture
def topic(space, member, other_member):
    topic = make_topic(space=space, author=member, body="Which stove for winter?")
    make_reply(topic=topic, author=other_member, body="A white-gas one.")
    return topic


def test_a_signed_out_visitor_gets_each_page_from_the_cache_with_no_query(
    topic, django_assert_num_queries
):
    for url in page_urls(topic):
        first = Client().get(url)
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert not was_hit(first) and was_hit(second)
        assert second.status_code == 200
        same = TOKEN.sub("token", first.content.decode())
        assert TOKEN.sub("token", second.content.decode()) == same


@pytest.mark.parametrize("replies", [5, 50])
def test_a_signed_out_hit_costs_no_query_with_5_and_50_replies(
    space, member, other_member, replies, django_assert_num_queries
):
    topic = make_topic(space=space, author=other_member)
    for number in range(replies):
        make_reply(topic=topic, author=member if number % 2 else other_member)
    for url in page_urls(topic):
        Client().get(url)
        with django_assert_num_queries(0):
            assert was_hit(Client().get(url))


def test_a_reply_reaction_moderation_hide_and_raw_sql_show_on_the_next_signed_out_request(
    topic, other_member
):
    url = topic.get_absolute_url()
    Client().get(url)
    assert was_hit(Client().get(url))

    reply = make_reply(topic=topic, author=other_member, body="Fresh from the trail.")
    for page in page_urls(topic)[:2]:
        response = Client().get(page)
        assert not was_hit(response)
    assert "Fresh from the trail." in Client().get(url).content.decode()

    services.toggle_reaction(member=other_member, post=topic.posts.get(number=1), kind="like")
    assert '<span class="fw-reaction-count">1</span>' in Client().get(url).content.decode()

    set_post_state(reply, PostState.HIDDEN)
    assert "Fresh from the trail." not in Client().get(url).content.decode()

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Topic._meta.db_table} SET title = %s WHERE id = %s",  # noqa: S608
            ["Renamed by raw SQL", topic.pk],
        )
    for page in page_urls(topic):
        assert "Renamed by raw SQL" in Client().get(page).content.decode()


def test_a_post_body_changed_by_raw_sql_shows_on_the_next_signed_out_request(topic):
    url = topic.get_absolute_url()
    Client().get(url)
    assert was_hit(Client().get(url))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Post._meta.db_table} SET body_html = %s WHERE topic_id = %s",  # noqa: S608
            ["<p>Raw SQL body</p>", topic.pk],
        )
    # In the post itself (the post fragments are keyed by the topic's version, which raw SQL
    # does not bump), not only in the page's description.
    assert (
        '<div class="fw-post-body"><p>Raw SQL body</p></div>' in Client().get(url).content.decode()
    )


def test_a_write_no_cached_page_shows_keeps_the_signed_out_page_cached(topic):
    """The per-minute flush of topic reads writes analytics_topicreadday (IGNORED_TABLES)."""
    from django.utils import timezone

    from flywheel.analytics.reads import add_topic_reads

    url = topic.get_absolute_url()
    Client().get(url)
    assert add_topic_reads({(timezone.now().date(), topic.pk): 3}) == 3
    assert was_hit(Client().get(url))


def test_languages_never_mix_in_the_signed_out_cache(topic):
    url = topic.get_absolute_url()
    english = Client(headers={"Accept-Language": "en"})
    italian = Client(headers={"Accept-Language": "it"})
    english.get(url)
    italian.get(url)
    english_again = english.get(url)
    italian_again = italian.get(url)
    assert was_hit(english_again) and was_hit(italian_again)
    assert english_again["Content-Language"] == "en"
    assert italian_again["Content-Language"] == "it"
    assert english_again.content != italian_again.content
    # The language cookie the switcher sets wins over the browser's, and is part of the key.
    chose_italian = Client(headers={"Accept-Language": "en"})
    chose_italian.cookies["django_language"] = "it"
    chosen = chose_italian.get(url)
    assert chosen["Content-Language"] == "it"
    assert chosen.content.decode().count('lang="it"') == italian_again.content.decode().count(
        'lang="it"'
    )


def test_pages_of_a_topic_are_cached_apart(space, member):
    topic = make_topic(space=space, author=member)
    for number in range(60):
        make_reply(topic=topic, author=member, body=f"Reply number {number} here.")
    url = topic.get_absolute_url()
    Client().get(url)
    Client().get(f"{url}?page=2")
    first = Client().get(url).content.decode()
    second = Client().get(f"{url}?page=2").content.decode()
    assert "Reply number 0 here." in first and "Reply number 0 here." not in second
    assert "Reply number 59 here." in second and "Reply number 59 here." not in first


@pytest.mark.parametrize("visibility", [Visibility.MEMBERS, Visibility.GATED])
def test_a_members_cached_page_of_a_closed_space_never_reaches_a_signed_out_visitor(
    member, other_member, visibility
):
    closed = SpaceFactory(visibility=visibility)
    SpaceAccessGrant.objects.create(space=closed, member=member, reason="bought")
    services.join_space(member=member, space=closed)
    topic = make_topic(space=closed, author=member, body="Only for those inside.")
    member_client = Client()
    member_client.force_login(member)
    member_client.get(reverse("community:spaces"))  # today's visit is counted (trust)
    space_url = reverse("community:space", kwargs={"slug": closed.slug})
    for url in (topic.get_absolute_url(), space_url, reverse("community:home")):
        member_client.get(url)
        assert was_hit(member_client.get(url))
    for url in (topic.get_absolute_url(), space_url):
        for _ in range(2):
            response = Client().get(url)
            assert response.status_code != 200 and not was_hit(response)
            assert "Only for those inside." not in response.content.decode()
    for _ in range(2):
        home = Client().get(reverse("community:home")).content.decode()
        assert topic.title not in home


def test_a_signed_in_member_never_gets_the_signed_out_page(topic, other_member):
    url = topic.get_absolute_url()
    Client().get(url)
    assert was_hit(Client().get(url))
    client = Client()
    client.force_login(other_member)
    html = client.get(url).content.decode()
    assert 'name="body"' in html  # the reply form only members see
    assert reverse("account_login") not in html.split("<main", 1)[-1].split("</main>")[0]


@pytest.mark.parametrize("edge_seconds", [0, 300])
def test_edge_headers_are_the_same_on_a_signed_out_hit_and_miss(topic, settings, edge_seconds):
    settings.FLYWHEEL_EDGE_CACHE_SECONDS = edge_seconds
    for url in page_urls(topic):
        miss = Client().get(url)
        hit = Client().get(url)
        assert not was_hit(miss) and was_hit(hit)
        for header in EDGE_HEADERS:
            assert hit.get(header) == miss.get(header), (url, header)
        assert "Surrogate-Key" in hit
        assert set(hit.cookies) == set(miss.cookies)
        if edge_seconds:
            assert "s-maxage=300" in hit["Cache-Control"]
            assert settings.CSRF_COOKIE_NAME not in hit.cookies
            assert TOKEN.search(hit.content.decode()) is None
            assert hit.content == miss.content


def test_a_signed_out_visitor_with_a_session_gets_pages_of_their_own(topic, settings):
    session = SessionStore()
    session["allauth_state"] = "something only this visitor has"
    session.create()
    url = topic.get_absolute_url()
    visitor = Client()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert not was_hit(visitor.get(url))
    hit = visitor.get(url)
    assert was_hit(hit)
    assert hit["Cache-Control"] == "private"  # a session: no shared cache keeps it
    # Everyone without a session shares another entry.
    assert not was_hit(Client().get(url))


def test_htmx_pending_messages_and_posts_are_never_served_from_the_signed_out_cache(topic):
    url = topic.get_absolute_url()
    Client().get(url)
    assert was_hit(Client().get(url))
    assert not was_hit(Client().get(url, headers={"HX-Request": "true"}))
    with_messages = Client()
    with_messages.cookies["messages"] = "a message waiting to be shown"
    assert not was_hit(with_messages.get(url))
    assert not was_hit(Client().post(url))


def test_a_signed_out_hit_still_counts_a_topic_view(topic):
    from flywheel.core import hooks

    seen = []

    def listener(*, topic_id, member=None):
        seen.append((topic_id, member.is_authenticated))

    hooks.topic_views.register(listener, name="tests.anonymous_view")
    try:
        Client().get(topic.get_absolute_url())
        assert was_hit(Client().get(topic.get_absolute_url()))
    finally:
        hooks.topic_views.unregister("tests.anonymous_view")
    assert seen[-1] == (topic.pk, False)
    assert len([entry for entry in seen if entry[0] == topic.pk]) >= 2


def test_the_signed_out_cache_turns_off_with_the_members_one(topic, settings):
    settings.FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS = 0
    Client().get(topic.get_absolute_url())
    assert not was_hit(Client().get(topic.get_absolute_url()))
