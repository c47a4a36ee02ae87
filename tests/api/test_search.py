"""Search over the API: ranked results the caller may read, with cursors."""

import pytest

from flywheel.community.models import Visibility
from tests.api.conftest import assert_error
from tests.factories import SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Runs the block's activity consumers (the search indexer among them) as a commit would."""

    def run(create):
        with django_capture_on_commit_callbacks(execute=True):
            return create()

    return run


def test_search_finds_topics_and_replies_with_highlights(anonymous_api, space, indexed):
    topic = indexed(lambda: make_topic(space=space, title="Tent pegs", body="Sand is hard"))
    reply = indexed(lambda: make_reply(topic=topic, body="Use sand pegs with wide blades"))
    items = anonymous_api.get("/search", {"q": "sand"}).json()["items"]
    assert {(item["kind"], item["post_id"]) for item in items} == {
        ("topic", topic.posts.get(number=1).pk),
        ("reply", reply.pk),
    }
    assert all("<mark>" in item["snippet_html"] for item in items)


def test_search_leaves_out_spaces_the_caller_cannot_read(anonymous_api, member_api, indexed):
    hidden = SpaceFactory(visibility=Visibility.MEMBERS)
    indexed(lambda: make_topic(space=hidden, title="Secret stove tips", body="Members only"))
    assert anonymous_api.get("/search", {"q": "stove"}).json()["items"] == []
    assert len(member_api.get("/search", {"q": "stove"}).json()["items"]) == 1


def test_search_can_be_narrowed_to_a_space(anonymous_api, space, indexed):
    indexed(lambda: make_topic(space=space, title="Rain jackets", body="Which?"))
    other = SpaceFactory()
    indexed(lambda: make_topic(space=other, title="Rain trousers", body="Which?"))
    items = anonymous_api.get("/search", {"q": "rain", "space": other.slug}).json()["items"]
    assert [item["topic"]["space_slug"] for item in items] == [other.slug]


def test_search_pages_through_results_with_the_cursor(anonymous_api, space, indexed):
    for number in range(5):
        indexed(lambda n=number: make_topic(space=space, title=f"Boots {n}", body="Leather boots"))
    seen = []
    cursor = None
    while True:
        params = {"q": "boots", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = anonymous_api.get("/search", params).json()
        seen += [item["topic"]["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 == len(set(seen))


def test_an_empty_query_is_a_422_naming_q(anonymous_api):
    assert_error(anonymous_api.get("/search", {"q": "  "}), 422, field="q")
    assert_error(anonymous_api.get("/search"), 422, field="q")


def test_an_unknown_kind_or_space_is_named(anonymous_api):
    assert_error(anonymous_api.get("/search", {"q": "tent", "kind": "poem"}), 422, field="kind")
    assert_error(
        anonymous_api.get("/search", {"q": "tent", "space": "nowhere"}), 422, field="space"
    )


def test_a_tampered_search_cursor_is_a_422(anonymous_api):
    assert_error(anonymous_api.get("/search", {"q": "tent", "cursor": "abc"}), 422, field="cursor")
