import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from flywheel.community import services
from flywheel.community.models import SpaceAccessGrant, TopicKind, Visibility
from flywheel.core.exceptions import InvalidInput
from flywheel.search import backends
from flywheel.search.models import SearchDocument
from flywheel.search.queries import document_scope, search
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.factories import ModeratorFactory, SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Runs the block's activity consumers (the indexer among them) as a commit would."""

    def run(create):
        with django_capture_on_commit_callbacks(execute=True):
            return create()

    return run


def titles(page):
    return [result.topic.title for result in page.results]


def test_a_topic_is_found_by_a_word_of_its_opening_post(indexed, member, space):
    topic = indexed(lambda: make_topic(space=space, title="Trail shoes", body="Grippy soles"))
    page = search(member, "soles")
    assert [(r.kind, r.topic.pk) for r in page.results] == [("topic", topic.pk)]


def test_a_title_match_ranks_above_a_single_mention_in_a_reply(indexed, member, space):
    mentioned = indexed(lambda: make_topic(space=space, title="Weekend plans", body="Anyone?"))
    indexed(lambda: make_reply(topic=mentioned, body="I will bring my tent."))
    titled = indexed(
        lambda: make_topic(space=space, title="Tent for two", body="Light and cheap please")
    )
    page = search(member, "tent")
    assert [(r.topic.pk, r.kind) for r in page.results] == [
        (titled.pk, "topic"),
        (mentioned.pk, "reply"),
    ]
    assert page.results[0].rank > page.results[1].rank


def test_a_reply_result_links_to_its_post_anchor(indexed, member, space):
    topic = indexed(lambda: make_topic(space=space, title="Stoves", body="Gas or alcohol"))
    reply = indexed(lambda: make_reply(topic=topic, body="Titanium windscreen helps"))
    (result,) = search(member, "windscreen").results
    assert result.url == f"{topic.get_absolute_url()}#post-{reply.number}"


def test_italian_posts_are_found_by_another_form_of_the_word(indexed, space):
    italian = UserFactory(language="it")
    indexed(
        lambda: make_topic(
            author=italian, space=space, title="Consiglio", body="Cerco tende leggere"
        )
    )
    page = search(italian, "tenda")
    if connection.vendor == "postgresql":
        # The italian configuration stems tende and tenda to the same word.
        assert titles(page) == ["Consiglio"]
    else:
        # FTS5 only stems English (porter); the exact word still finds it.
        assert titles(search(italian, "tende")) == ["Consiglio"]


def test_english_posts_are_found_by_a_plural(indexed, member, space):
    indexed(lambda: make_topic(space=space, title="Backpack", body="My backpack strap broke"))
    assert titles(search(member, "straps")) == ["Backpack"]


def test_chinese_text_is_found_by_a_chinese_query(indexed, space):
    chinese = UserFactory(language="zh-hans")
    indexed(
        lambda: make_topic(
            author=chinese, space=space, title="露营装备", body="我想买一个轻便的帐篷去山里露营"
        )
    )
    indexed(lambda: make_topic(author=chinese, space=space, title="跑步鞋子", body="跑步鞋推荐"))
    page = search(chinese, "帐篷")
    assert titles(page) == ["露营装备"]
    assert "<mark>帐篷</mark>" in page.results[0].snippet
    assert titles(search(chinese, "轻便帐篷")) == []  # not adjacent in the text
    assert titles(search(chinese, "轻便的帐篷")) == ["露营装备"]


def test_members_only_content_is_not_found_by_anonymous_visitors(indexed, member):
    members_space = SpaceFactory(visibility=Visibility.MEMBERS)
    indexed(lambda: make_topic(space=members_space, title="Secret sale", body="Coupon inside"))
    assert titles(search(AnonymousUser(), "coupon")) == []
    assert titles(search(member, "coupon")) == ["Secret sale"]


def test_gated_content_is_found_only_by_members_through_the_gate(indexed, member, moderator):
    gated = SpaceFactory(visibility=Visibility.GATED)
    indexed(lambda: make_topic(author=moderator, space=gated, title="Owners club", body="Warranty"))
    assert titles(search(member, "warranty")) == []
    assert titles(search(moderator, "warranty")) == ["Owners club"]


def test_a_deleted_reply_is_no_longer_found(indexed, member, space):
    topic = indexed(lambda: make_topic(space=space, title="Socks", body="Wool or synthetic"))
    reply = indexed(lambda: make_reply(topic=topic, author=member, body="Merino forever"))
    assert len(search(member, "merino").results) == 1
    indexed(lambda: services.delete_post(post=reply, by=member))
    assert search(member, "merino").results == []
    assert not SearchDocument.objects.filter(post=reply).exists()


def test_deleting_the_opening_post_removes_the_whole_topic(indexed, member, space):
    topic = indexed(
        lambda: make_topic(author=member, space=space, title="Kayaks", body="Sit on top")
    )
    indexed(lambda: make_reply(topic=topic, body="Kayaks are great on lakes"))
    indexed(lambda: services.delete_post(post=topic.posts.get(number=1), by=member))
    assert search(member, "kayaks").results == []
    assert not SearchDocument.objects.filter(topic=topic).exists()


def test_an_edit_replaces_the_old_words_in_the_index(indexed, member, space):
    topic = indexed(lambda: make_topic(author=member, space=space, title="Lamp", body="Headlamp"))
    opening = topic.posts.get(number=1)
    indexed(lambda: services.edit_post(post=opening, editor=member, body="Lantern", title="Lights"))
    assert search(member, "headlamp").results == []
    assert titles(search(member, "lantern")) == ["Lights"]
    assert titles(search(member, "lights")) == ["Lights"]


def test_filters_narrow_results_by_space_and_kind(indexed, member):
    first, second = SpaceFactory(), SpaceFactory()
    question = indexed(
        lambda: make_topic(
            space=first, title="Rain jacket?", body="Which rain shell", kind=TopicKind.QUESTION
        )
    )
    indexed(lambda: make_reply(topic=question, body="Rain pants too"))
    indexed(lambda: make_topic(space=second, title="Rain gear", body="Ponchos"))
    assert len(search(member, "rain").results) == 3
    assert {r.topic.space_id for r in search(member, "rain", space=second).results} == {second.pk}
    assert {r.kind for r in search(member, "rain", kind="reply").results} == {"reply"}
    assert titles(search(member, "rain", kind="question", space=first)) == ["Rain jacket?"] * 2


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "*:() \"'", "---"])
def test_an_empty_too_long_or_wordless_query_is_refused_naming_the_field(member, query):
    with pytest.raises(InvalidInput) as error:
        search(member, query)
    assert error.value.field == "q"


def test_an_unknown_kind_is_refused_naming_the_field(member):
    with pytest.raises(InvalidInput) as error:
        search(member, "tent", kind="poll")
    assert error.value.field == "kind"


@pytest.mark.parametrize(
    "query",
    [
        'tent"',
        "tent OR",
        "NEAR(tent camp)",
        "title:tent",
        "tent*",
        "^tent",
        "tent & !camp",
        "tent <-> camp",
        "(tent",
        "-tent",
        "'tent'",
    ],
)
def test_search_syntax_in_the_query_is_treated_as_plain_words(indexed, member, space, query):
    indexed(lambda: make_topic(space=space, title="Tent camp", body="Tent near the camp"))
    page = search(member, query)
    assert all(result.topic.title == "Tent camp" for result in page.results)


def test_snippets_escape_member_text_and_mark_the_terms(indexed, member, space):
    indexed(
        lambda: make_topic(
            space=space, title="Guide <b>", body="Use `<script>alert(1)</script>` near a tent"
        )
    )
    (result,) = search(member, "tent").results
    assert "<script>" not in result.snippet
    assert "&lt;script&gt;" in result.snippet
    assert "<mark>tent</mark>" in result.snippet
    assert result.title == "Guide &lt;b&gt;"


def test_results_page_through_with_offset(indexed, member, space):
    for number in range(5):
        indexed(lambda n=number: make_topic(space=space, title=f"Boots {n}", body="Leather boots"))
    first = search(member, "boots", limit=3)
    second = search(member, "boots", limit=3, offset=first.next_offset)
    assert first.has_more and not second.has_more
    assert len({r.topic.pk for r in first.results + second.results}) == 5


@pytest.mark.parametrize("count", [5, 50])
def test_search_query_count_is_flat_in_the_number_of_results(
    indexed, member, space, count, django_assert_num_queries
):
    author = UserFactory()
    for number in range(count):
        topic = make_topic(author=author, space=space, title=f"Fleece {number}", body="Warm fleece")
    call_command("reindex", stdout=io.StringIO())
    assert topic
    # readable space ids (the gated-space check, then the ids), ranked ids (on PostgreSQL
    # with the ranking candidates in the same statement), rows.
    with django_assert_num_queries(4):
        page = search(member, "fleece", limit=50)
        assert len(page.results) == count


def test_reindex_rebuilds_bulk_created_posts_and_drops_stale_documents(member, space, capsys):
    topic = make_topic(space=space, title="Compass", body="Orienteering basics")
    assert search(member, "orienteering").results == []  # no commit ran: not yet indexed
    call_command("reindex", batch_size=1)
    output = capsys.readouterr().out
    assert "Indexed 1/1 posts" in output
    assert titles(search(member, "orienteering")) == ["Compass"]
    topic.posts.update(deleted_at=topic.created_at)
    type(topic).objects.filter(pk=topic.pk).update(deleted_at=topic.created_at)
    call_command("reindex", stdout=io.StringIO())
    assert SearchDocument.objects.count() == 0


def test_the_search_page_shows_ranked_results_with_snippets(indexed, client, member, space):
    topic = indexed(lambda: make_topic(space=space, title="Tarp setups", body="A flat tarp"))
    response = client.get(reverse("search:results"), {"q": "tarp"})
    assert response.status_code == 200
    content = response.content.decode()
    assert topic.get_absolute_url() in content
    assert "<mark>Tarp</mark> setups" in content


def test_the_search_page_without_a_query_shows_just_the_form(client):
    response = client.get(reverse("search:results"))
    assert response.status_code == 200
    assert b'name="q"' in response.content


def test_the_search_page_explains_a_too_long_query_with_a_400(client):
    response = client.get(reverse("search:results"), {"q": "x" * 500})
    assert response.status_code == 400
    assert b'data-field="q"' in response.content


def test_the_search_page_refuses_a_space_the_visitor_cannot_read(indexed, client):
    members_space = SpaceFactory(visibility=Visibility.MEMBERS)
    indexed(lambda: make_topic(space=members_space, title="Hidden", body="Members stuff"))
    response = client.get(reverse("search:results"), {"q": "members", "space": members_space.slug})
    assert response.status_code == 400
    assert b'data-field="space"' in response.content
    assert b"Hidden" not in response.content


def test_the_search_page_returns_just_the_results_to_htmx(indexed, client, space):
    indexed(lambda: make_topic(space=space, title="Gaiters", body="Snow gaiters"))
    response = client.get(
        reverse("search:results"), {"q": "gaiters"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Gaiters" in response.content


@pytest.mark.parametrize("count", [5, 50])
def test_the_search_page_query_count_is_flat(
    client, member, space, count, django_assert_num_queries
):
    author = UserFactory()
    for number in range(count):
        make_topic(author=author, space=space, title=f"Poles {number}", body="Carbon poles")
    call_command("reindex", stdout=io.StringIO())
    client.force_login(member)
    client.get(reverse("search:results"))  # warms per-process caches (the current Site)
    # session, user, space select (2: gated check + list), search (2: ranked ids, rows; the
    # space list is the readable spaces, so search asks no gate again)
    with django_assert_num_queries(6):
        response = client.get(reverse("search:results"), {"q": "poles"})
    assert response.status_code == 200


def test_a_gated_space_is_searched_only_by_members_through_its_gate(indexed, client, member):
    """The page passes the spaces it lists to search and the API its checked space filter:
    neither path may let a member without access find the gated space's posts."""
    gated = SpaceFactory(visibility=Visibility.GATED, slug="owners")
    indexed(
        lambda: make_topic(author=ModeratorFactory(), space=gated, title="Owners", body="Warranty")
    )
    api = ApiClient(token=token_for(member))
    client.force_login(member)

    def found() -> dict:
        return {
            "page": "Owners" in client.get("/search/", {"q": "warranty"}).content.decode(),
            "page, space filter": client.get("/search/", {"q": "warranty", "space": "owners"}),
            "api": api.get("/search", {"q": "warranty"}).json()["items"],
            "api, space filter": api.get("/search", {"q": "warranty", "space": "owners"}),
        }

    locked = found()
    assert locked["page"] is False
    assert locked["page, space filter"].status_code == 400
    assert b"Owners" not in locked["page, space filter"].content
    assert locked["api"] == []
    assert_error(locked["api, space filter"], 422, field="space")
    assert titles(search(member, "warranty")) == []

    SpaceAccessGrant.objects.create(space=gated, member=member)
    opened = found()
    assert opened["page"] is True
    assert b"Owners" in opened["page, space filter"].content
    assert [item["topic"]["title"] for item in opened["api"]] == ["Owners"]
    items = opened["api, space filter"].json()["items"]
    assert [item["topic"]["title"] for item in items] == ["Owners"]
    assert titles(search(member, "warranty")) == ["Owners"]


def test_only_the_given_readable_spaces_are_searched(indexed, member):
    first, second = SpaceFactory(), SpaceFactory()
    indexed(lambda: make_topic(space=first, title="Kettle one", body="Kettle"))
    indexed(lambda: make_topic(space=second, title="Kettle two", body="Kettle"))
    assert titles(search(member, "kettle", readable_space_ids=[first.pk])) == ["Kettle one"]
    # A space filter outside the readable spaces finds nothing.
    assert titles(search(member, "kettle", space=second, readable_space_ids=[first.pk])) == []


def test_no_readable_space_answers_at_once(member, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = search(member, "kettle", readable_space_ids=[])
    assert page.results == [] and not page.has_more
    with pytest.raises(InvalidInput):
        search(member, "kettle", kind="poll", readable_space_ids=[])


@pytest.mark.parametrize("count", [5, 50])
def test_the_api_search_with_a_space_filter_has_flat_queries(
    indexed, member, space, count, django_assert_num_queries
):
    author = UserFactory()
    for number in range(count):
        make_topic(author=author, space=space, title=f"Mug {number}", body="Enamel mug")
    call_command("reindex", stdout=io.StringIO())
    api = ApiClient(token=token_for(member))
    api.get("/me")  # the token's last use is fresh: the search does not write it
    # token, the space (its filter checked: no other space is asked for), ranked ids, rows
    with django_assert_num_queries(4):
        response = api.get("/search", {"q": "mug", "space": space.slug, "limit": 50})
    assert response.status_code == 200
    assert len(response.json()["items"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_search_page_signed_out_has_flat_queries(
    client, space, count, django_assert_num_queries
):
    author = UserFactory()
    for number in range(count):
        make_topic(author=author, space=space, title=f"Cup {number}", body="Titanium cup")
    call_command("reindex", stdout=io.StringIO())
    client.get(reverse("search:results"))  # warms per-process caches (the current Site)
    # the public spaces (the list and the readable ids), ranked ids, rows
    with django_assert_num_queries(3):
        response = client.get(reverse("search:results"), {"q": "cup", "space": space.slug})
    assert response.status_code == 200
    assert response.content.count(b"<mark>Cup</mark>") == min(count, 20)


@pytest.mark.postgres
def test_older_matches_are_found_when_the_newest_documents_hold_too_few(
    indexed, member, space, monkeypatch
):
    """A word too common for the rare path whose newest RECENT_WINDOW documents hold fewer
    matches than a page: the rest of the scope is searched too (in the same statement)."""
    old = indexed(lambda: make_topic(space=space, title="Crampons", body="Steel crampons"))
    for number in range(4):
        indexed(lambda n=number: make_topic(space=space, title=f"Other {n}", body="Nothing"))
    monkeypatch.setattr(backends, "RARE_MATCHES", 0)  # the window path, as for a common word
    monkeypatch.setattr(backends, "RECENT_WINDOW", 2)
    assert [r.topic.pk for r in search(member, "crampons").results] == [old.pk]


@pytest.mark.postgres
def test_a_space_or_kind_filter_reads_the_newest_documents_of_that_scope(
    indexed, member, space, monkeypatch
):
    """The window is the newest documents in scope (the (space, id) and (kind, id) indexes).
    A filtered search finds an older match whether the rest of its scope is searched (the
    window too small) or the scope fits in the window and is read whole (no second half)."""
    small = SpaceFactory()
    old = indexed(lambda: make_topic(space=small, title="Ice axe", body="Ice axe leash"))
    reply = indexed(lambda: make_reply(topic=old, body="An axe for glaciers"))
    for number in range(4):
        indexed(lambda n=number: make_topic(space=space, title=f"Axe {n}", body="Axe"))
        indexed(lambda n=number: make_reply(topic=old, body=f"Thanks {n}"))
    monkeypatch.setattr(backends, "RARE_MATCHES", 0)  # the window path, as for a common word
    monkeypatch.setattr(backends, "RECENT_WINDOW", 2)
    found = search(member, "axe", space=small)
    assert {(r.kind, r.post.pk) for r in found.results} == {
        ("topic", old.posts.get(number=1).pk),
        ("reply", reply.pk),
    }
    assert [r.topic.pk for r in search(member, "leash", kind="topic").results] == [old.pk]
    monkeypatch.setattr(backends, "RECENT_WINDOW", 10)  # the small space fits: read whole
    assert len(search(member, "axe", space=small).results) == 2


@pytest.mark.postgres
def test_only_the_newest_matches_are_ranked(indexed, member, space, monkeypatch):
    """A common word: RANKED_CANDIDATES of the newest matches are ranked, whatever older
    ones would rank (the trade-off in backends.PostgresBackend.candidates_sql)."""
    indexed(lambda: make_topic(space=space, title="Headlamp headlamp", body="Headlamp"))
    newer = [
        indexed(lambda n=number: make_topic(space=space, title=f"Light {n}", body="headlamp"))
        for number in range(3)
    ]
    monkeypatch.setattr(backends, "RANKED_CANDIDATES", 2)
    found = {r.topic.pk for r in search(member, "headlamp", limit=1).results}
    assert found <= {topic.pk for topic in newer[-2:]}
    assert len(found) == 1


@pytest.mark.postgres
def test_the_page_connections_run_without_jit():
    """A bad estimate would otherwise switch the JIT compiler on for a search (100-400 ms
    compiling a query that runs in a few ms): settings turn it off per connection."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_rare_word_in_a_small_space_is_found(indexed, member, space):
    small = SpaceFactory()
    for number in range(3):
        indexed(lambda n=number: make_topic(space=space, title=f"Tent {n}", body="Tent poles"))
    indexed(lambda: make_topic(space=small, title="Hokkaido", body="Snow in Hokkaido"))
    indexed(lambda: make_topic(space=small, title="News", body="Spring sale"))
    assert titles(search(member, "hokkaido", space=small)) == ["Hokkaido"]
    assert titles(search(member, "hokkaido")) == ["Hokkaido"]
    assert titles(search(AnonymousUser(), "hokkaido", kind="topic")) == ["Hokkaido"]


def test_a_word_that_matches_nothing_with_a_kind_filter_finds_nothing(indexed, member, space):
    indexed(lambda: make_topic(space=space, title="Tent", body="Tent poles"))
    for kind in ("topic", "reply", "question"):
        page = search(member, "zzqx nonexistent", kind=kind)
        assert page.results == [] and not page.has_more


def test_a_gated_space_rare_word_is_not_found_without_access(indexed, client, member):
    gated = SpaceFactory(visibility=Visibility.GATED, slug="owners")
    members_only = SpaceFactory(visibility=Visibility.MEMBERS)
    indexed(lambda: make_topic(author=ModeratorFactory(), space=gated, title="Crampon", body="Sn"))
    indexed(lambda: make_topic(space=members_only, title="Ice screw", body="Screws"))
    assert titles(search(member, "crampon")) == []
    assert titles(search(member, "crampon", kind="topic")) == []
    assert titles(search(AnonymousUser(), "crampon")) == []
    assert titles(search(AnonymousUser(), "screw")) == []
    assert "Crampon" not in client.get("/search/", {"q": "crampon"}).content.decode()
    SpaceAccessGrant.objects.create(space=gated, member=member)
    assert titles(search(member, "crampon")) == ["Crampon"]
    assert titles(search(member, "screw")) == ["Ice screw"]


def _window_read(user, query, **filters) -> bool:
    """Whether PostgreSQL read documents for the newest window of the candidates SQL."""
    scope = document_scope(user, **filters)
    sql, params = backends.PostgresBackend().candidates_sql(query, scope, enough=21)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    (recent,) = [n for n in nodes(plan[0]["Plan"]) if n.get("Subplan Name") == "CTE recent"]
    return any(
        n.get("Relation Name") == "search_searchdocument" and n["Actual Loops"] > 0
        for n in nodes(recent)
    )


@pytest.mark.postgres
def test_a_rare_word_is_found_without_reading_the_newest_window(
    indexed, member, space, monkeypatch
):
    """Few matches in scope: they are found through the GIN index and ranked, and the window
    of the newest documents (read for a common word) is never executed."""
    for number in range(4):
        indexed(lambda n=number: make_topic(space=space, title=f"Tent {n}", body="Tent"))
    monkeypatch.setattr(backends, "RARE_MATCHES", 2)
    assert _window_read(member, "tent") is True
    assert _window_read(member, "tent", space=space) is True
    assert _window_read(member, "zzqx nonexistent", kind="question") is False
    assert _window_read(member, "zzqx nonexistent", kind="reply") is False
    small = SpaceFactory()
    indexed(lambda: make_topic(space=small, title="Tent in news", body="Tent"))
    assert _window_read(member, "tent", space=small) is False


@pytest.mark.postgres
def test_the_rare_path_and_the_window_path_find_and_rank_the_same(
    indexed, member, moderator, monkeypatch
):
    """On a data set the window holds whole, both ways of finding candidates give the same
    pages: the same documents, the same order, the same ranks, for every filter and viewer."""
    public, other = SpaceFactory(), SpaceFactory()
    members_only = SpaceFactory(visibility=Visibility.MEMBERS)
    gated = SpaceFactory(visibility=Visibility.GATED)
    for number, target in enumerate((public, other, members_only, gated) * 2):
        topic = indexed(
            lambda n=number, t=target: make_topic(
                author=moderator,
                space=t,
                title=f"Rain shell {n}" if n % 2 else f"Wool socks {n}",
                body="Rain and wind, rain again" if n % 3 else "Socks for rain",
                kind=TopicKind.QUESTION if n % 2 else TopicKind.DISCUSSION,
            )
        )
        reply = indexed(
            lambda t=topic: make_reply(topic=t, author=moderator, body="Wet socks in the rain")
        )
        if number == 3:
            indexed(lambda r=reply: services.delete_post(post=r, by=moderator))
    viewers = (AnonymousUser(), member, moderator)
    filters = ({}, {"space": public}, {"space": gated}, {"kind": "reply"}, {"kind": "question"})

    def pages():
        return [
            (
                [(r.kind, r.post.pk, round(r.rank, 6)) for r in search(viewer, query, **f).results],
                [r.post.pk for r in search(viewer, query, limit=3, offset=3, **f).results],
            )
            for viewer in viewers
            for query in ("rain", "socks", "wet rain", "zzqx")
            for f in filters
        ]

    rare = pages()
    assert any(len(first) > 3 for first, _second in rare)
    assert _window_read(moderator, "rain") is False
    monkeypatch.setattr(backends, "RARE_MATCHES", 0)
    assert _window_read(moderator, "rain") is True
    assert pages() == rare


@pytest.mark.postgres
def test_statistics_send_a_common_word_to_the_window_and_a_rare_one_to_the_index(
    indexed, space, monkeypatch
):
    """What ANALYZE knows of the index decides whether the GIN index is asked at all: an
    upper bound of the matches (the least common lexeme's share), never the planner's
    product of shares, which is far too low for several common words together."""
    for number in range(8):
        indexed(lambda n=number: make_topic(space=space, title=f"Tent {n}", body="Wet tent"))
    indexed(lambda: make_topic(space=space, title="Crampons", body="Steel crampons"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    monkeypatch.setattr(backends, "RARE_MATCHES", 3)

    def likely(query: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(*backends.PostgresBackend().rarity_sql(query))
            return cursor.fetchone()[0]

    assert likely("crampons") is True
    assert likely("zzqx") is True  # in no document: rarer than the least common listed
    assert likely("tent") is False
    assert likely("wet tent") is False
    assert likely("wet crampons") is True  # every config's rarest word bounds the matches
    assert likely("tent or crampons") is False  # an OR is never counted as rare
