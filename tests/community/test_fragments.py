"""Signed-in topic pages are assembled from cached post fragments (community/fragments.py):
each change shows on the very next request, and what is one viewer's never reaches another."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from flywheel.community import services
from flywheel.community.models import ReactionKind, TopicKind
from flywheel.moderation.models import PostState
from flywheel.moderation.services import set_post_state
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

ARTICLE = re.compile(r'<article id="post-(\d+)".*?</article>', re.DOTALL)


def posts_of(response) -> dict[int, str]:
    """{post number: its article's HTML}."""
    assert response.status_code == 200
    return {int(m.group(1)): m.group(0) for m in ARTICLE.finditer(response.content.decode())}


def page_as(client, user, url):
    client.force_login(user)
    return posts_of(client.get(url))


@pytest.fixture
def thread(space, member, other_member):
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION, body="Which tent?")
    mine = make_reply(topic=question, author=member, body="My own follow-up.")
    theirs = make_reply(topic=question, author=other_member, body="Try the Hubba Hubba.")
    return question, mine, theirs


def test_two_members_see_their_own_buttons_and_reactions_from_shared_fragments(
    client, thread, member, other_member
):
    question, mine, theirs = thread
    services.toggle_reaction(member=member, post=theirs, kind=ReactionKind.values[0])
    url = question.get_absolute_url()
    for _ in range(2):  # the second round is served from the fragments the first stored
        as_member = page_as(client, member, url)
        as_other = page_as(client, other_member, url)
        edit_mine = reverse("community:post_edit", kwargs={"post_id": mine.pk})
        edit_theirs = reverse("community:post_edit", kwargs={"post_id": theirs.pk})
        assert edit_mine in as_member[mine.number]
        assert edit_mine not in as_other[mine.number]
        assert edit_theirs in as_other[theirs.number]
        assert edit_theirs not in as_member[theirs.number]
        # The reaction is the member's own: pressed for them, a plain count for the other.
        assert 'aria-pressed="true"' in as_member[theirs.number]
        assert 'aria-pressed="true"' not in as_other[theirs.number]
        assert 'aria-pressed="false"' in as_other[theirs.number]
        # Only the question's author may accept; nobody flags their own post.
        accept = reverse("community:post_accept", kwargs={"post_id": theirs.pk})
        assert accept in as_member[theirs.number] and accept not in as_other[theirs.number]
        flag_theirs = reverse("community:post_flag_form", kwargs={"post_id": theirs.pk})
        assert flag_theirs in as_member[theirs.number]
        assert flag_theirs not in as_other[theirs.number]


def test_each_viewer_gets_their_own_csrf_token_in_cached_fragments(client, thread, member):
    question, _, theirs = thread
    url = question.get_absolute_url()
    tokens = []
    for user in (member, UserFactory()):
        client.cookies.clear()
        client.force_login(user)
        html = posts_of(client.get(url))[theirs.number]
        found = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert len(found) == 1 and "__flywheel" not in next(iter(found))
        tokens.append(found.pop())
        # The token in the fragment is the one this session's forms are checked against.
        response = client.post(
            reverse("community:post_react", kwargs={"post_id": theirs.pk}),
            {"kind": ReactionKind.values[1], "csrfmiddlewaretoken": tokens[-1]},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def test_a_reaction_edit_and_acceptance_show_on_the_next_request_for_everyone(
    client, thread, member, other_member
):
    question, _, theirs = thread
    url = question.get_absolute_url()
    page_as(client, member, url), page_as(client, other_member, url)  # fragments cached

    services.toggle_reaction(member=other_member, post=theirs, kind=ReactionKind.values[2])
    for user, pressed in ((member, "false"), (other_member, "true")):
        html = page_as(client, user, url)[theirs.number]
        assert (
            f'aria-pressed="{pressed}"' in html
            and 'fw-reaction-count" aria-hidden="true">1<' in html
        )

    services.edit_post(post=theirs, editor=other_member, body="Actually, the Copper Spur.")
    for user in (member, other_member):
        assert "Copper Spur" in page_as(client, user, url)[theirs.number]

    services.accept_answer(reply=theirs, by=member)
    for user in (member, other_member):
        assert "fw-accepted-badge" in page_as(client, user, url)[theirs.number]


def test_a_hidden_post_is_never_served_from_a_fragment_to_those_who_may_not_see_it(
    client, thread, member, other_member, moderator
):
    question, _, theirs = thread
    url = question.get_absolute_url()
    assert theirs.number in page_as(client, member, url)
    set_post_state(theirs, PostState.HIDDEN)
    assert theirs.number not in page_as(client, member, url)
    assert theirs.number not in page_as(client, UserFactory(), url)
    # Its author still sees it, marked; the marker is theirs, not cached into anyone else's copy.
    own = page_as(client, other_member, url)[theirs.number]
    assert "fw-held-badge" in own
    client.logout()
    assert theirs.number not in posts_of(client.get(url))


def test_a_deleted_post_loses_its_text_on_the_next_request(client, thread, member, other_member):
    question, _, theirs = thread
    url = question.get_absolute_url()
    assert "Hubba" in page_as(client, member, url)[theirs.number]
    services.delete_post(post=theirs, by=other_member)
    assert "Hubba" not in page_as(client, member, url)[theirs.number]


def test_bytes_per_post_stay_flat_as_a_topic_grows(client, space, member):
    reactors = [UserFactory() for _ in range(3)]
    topic = make_topic(space=space, author=member, kind=TopicKind.QUESTION)
    url = topic.get_absolute_url()
    client.force_login(member)

    def add(count):
        for number in range(count):
            reply = make_reply(topic=topic, author=reactors[number % 3], body=f"Reply {number}.")
            services.toggle_reaction(member=reactors[0], post=reply, kind=ReactionKind.values[0])

    add(5)
    small = [len(html) for html in posts_of(client.get(url)).values()]
    add(45)
    cache.clear()
    large = [len(html) for html in posts_of(client.get(url)).values()]
    assert len(large) == 50  # one page
    # A reply's HTML does not grow with the thread, and the pickers are not shipped with it.
    assert max(large[1:]) <= max(small[1:]) + 20  # "#5" → "#50": a digit more
    assert max(large[1:]) < 3000


def test_reaction_picker_and_flag_form_load_on_demand_for_members_only(
    client, thread, member, other_member
):
    question, _, theirs = thread
    picker = reverse("community:post_reaction_picker", kwargs={"post_id": theirs.pk})
    flag = reverse("community:post_flag_form", kwargs={"post_id": theirs.pk})
    assert client.get(picker, headers={"HX-Request": "true"}).status_code == 403
    assert client.get(flag).status_code == 302  # to sign in
    services.toggle_reaction(member=member, post=theirs, kind=ReactionKind.values[0])
    client.force_login(member)
    html = client.get(picker, headers={"HX-Request": "true"}).content.decode()
    assert html.count('class="fw-reaction-choice') == len(ReactionKind.values)
    assert html.count("is-mine") == 1
    html = client.get(flag, headers={"HX-Request": "true"}).content.decode()
    assert 'name="reason"' in html and "<details" in html and " open" in html
    # Without htmx both open as pages of their own.
    assert 'name="kind"' in client.get(picker).content.decode()


def test_on_demand_menus_of_a_hidden_post_are_not_served(client, thread, member, other_member):
    _, _, theirs = thread
    set_post_state(theirs, PostState.HIDDEN)
    client.force_login(member)
    for name in ("post_reaction_picker", "post_flag_form"):
        url = reverse(f"community:{name}", kwargs={"post_id": theirs.pk})
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


def test_topic_rows_change_on_the_next_request_and_stay_within_readable_spaces(
    client, space, member, other_member
):
    from flywheel.community.models import SpaceAccessGrant, Visibility
    from tests.factories import SpaceFactory

    topic = make_topic(space=space, author=member, title="Stoves for winter")
    locked = SpaceFactory(visibility=Visibility.GATED)
    SpaceAccessGrant.objects.create(space=locked, member=member)
    secret = make_topic(space=locked, author=member, title="Unreleased stove")
    space_url = reverse("community:space", kwargs={"slug": space.slug})
    home = reverse("community:home")

    client.force_login(member)
    assert "Unreleased stove" in client.get(home).content.decode()  # its row is cached now
    assert '0<span class="visually-hidden"> replies' in client.get(space_url).content.decode()
    make_reply(topic=topic, author=other_member)
    assert '1<span class="visually-hidden"> replies' in client.get(space_url).content.decode()
    assert '1<span class="visually-hidden"> replies' in client.get(home).content.decode()

    client.force_login(other_member)
    page = client.get(home).content.decode()
    assert "Stoves for winter" in page and "Unreleased stove" not in page
    assert secret.title not in client.get(space_url).content.decode()
    set_post_state(topic.posts.get(number=1), PostState.HIDDEN)
    assert "Stoves for winter" not in client.get(space_url).content.decode()
    assert "Stoves for winter" not in client.get(home).content.decode()


def test_warm_fragments_cost_no_more_queries_than_a_cold_page(
    client, django_assert_max_num_queries, space, member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    topic = make_topic(space=space, author=member, kind=TopicKind.QUESTION)
    reactors = [UserFactory() for _ in range(3)]
    for number in range(12):
        reply = make_reply(topic=topic, author=reactors[number % 3], body=f"Reply {number}.")
        services.toggle_reaction(member=member, post=reply, kind=ReactionKind.values[0])
    client.force_login(member)
    for url in (topic.get_absolute_url(), reverse("community:space", args=[space.slug])):
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            client.get(url)
        with django_assert_max_num_queries(len(cold)):
            assert client.get(url).status_code == 200
