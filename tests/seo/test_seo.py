"""What search engines are given: sitemap.xml, robots.txt and a topic page's head tags.

Nothing members-only, gated, deleted or held may reach a crawler."""

import json
import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flywheel.commerce.models import Product, Store
from flywheel.community import services as community_services
from flywheel.community.models import TopicKind, Visibility
from flywheel.moderation import services as moderation_services
from flywheel.moderation.models import PostState
from flywheel.reviews.models import Review, ReviewState
from tests.factories import AdminFactory, SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

SITE = "https://community.example.com"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _locs(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    return [loc.text for loc in root.iter(f"{{{NS['sm']}}}loc")]


def _all_urls(client):
    urls = []
    for section_url in _locs(client, "/sitemap.xml"):
        assert section_url.startswith(SITE)
        urls += _locs(client, section_url.removeprefix(SITE))
    return urls


@pytest.fixture
def private_world():
    public = SpaceFactory(slug="open")
    members = SpaceFactory(slug="members", visibility=Visibility.MEMBERS)
    gated = SpaceFactory(slug="gated", visibility=Visibility.GATED)
    world = {
        "public": make_topic(space=public, title="Public tent talk"),
        "members": make_topic(space=members, title="Members tent talk"),
        "gated": make_topic(space=gated, title="Gated tent talk", author=AdminFactory()),
        "hidden": make_topic(space=public, title="Hidden tent talk"),
        "deleted": make_topic(space=public, title="Deleted tent talk"),
    }
    moderation_services.set_post_state(world["hidden"].posts.get(number=1), PostState.HIDDEN)
    deleted = world["deleted"]
    community_services.delete_post(post=deleted.posts.get(number=1), by=deleted.author)
    return world


# Sitemap -----------------------------------------------------------------------------------


def test_the_sitemap_lists_public_topics_and_spaces_only(client, private_world):
    urls = _all_urls(client)

    public = private_world["public"]
    assert SITE + public.get_absolute_url() in urls
    assert SITE + "/s/open/" in urls
    for name in ("members", "gated", "hidden", "deleted"):
        assert SITE + private_world[name].get_absolute_url() not in urls, name
        assert f"/t/{private_world[name].slug}/" not in " ".join(urls), name
    assert SITE + "/s/members/" not in urls
    assert SITE + "/s/gated/" not in urls


def test_a_topics_lastmod_is_its_last_activity(client, private_world):
    topic = private_world["public"]
    make_reply(topic=topic)
    topic.refresh_from_db()

    response = client.get("/sitemap-topics.xml")

    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    (entry,) = root.findall("sm:url", NS)
    assert entry.find("sm:lastmod", NS).text == topic.last_posted_at.date().isoformat()


def test_the_topic_sitemap_is_paged_through_the_index(client, settings, monkeypatch):
    from flywheel.seo.sitemaps import TopicSitemap

    monkeypatch.setattr(TopicSitemap, "limit", 2)
    space = SpaceFactory()
    topics = [make_topic(space=space, title=f"Topic {n}") for n in range(5)]
    # Pages are key ranges of 2: ((N-1)*2, N*2].
    expected_pages = sorted({(topic.pk - 1) // 2 + 1 for topic in topics})

    index = _locs(client, "/sitemap.xml")

    topic_pages = [url for url in index if "sitemap-topics" in url]
    assert topic_pages == [
        f"{SITE}/sitemap-topics.xml" if page == 1 else f"{SITE}/sitemap-topics.xml?p={page}"
        for page in expected_pages
    ]
    listed = [url for page in topic_pages for url in _locs(client, page.removeprefix(SITE))]
    assert listed == [SITE + topic.get_absolute_url() for topic in topics]
    beyond = expected_pages[-1] + 1
    assert client.get(f"/sitemap-topics.xml?p={beyond}").status_code == 404
    assert client.get("/sitemap-topics.xml?p=0").status_code == 404
    assert client.get("/sitemap-topics.xml?p=zebra").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_sitemap_page_keeps_its_addresses_when_topics_come_and_go(client, monkeypatch):
    """Key-range pages (seo/sitemaps.py): a deleted topic on an earlier page or a new topic
    does not move any other topic to another page's address, as OFFSET paging would."""
    from flywheel.seo.sitemaps import TopicSitemap

    monkeypatch.setattr(TopicSitemap, "limit", 3)
    space = SpaceFactory()
    topics = [make_topic(space=space, title=f"Topic {n}") for n in range(7)]
    last = topics[-1]
    page = (last.pk - 1) // 3 + 1
    address = "/sitemap-topics.xml" + ("" if page == 1 else f"?p={page}")
    before = _locs(client, address)
    assert SITE + last.get_absolute_url() in before

    first = topics[0]
    community_services.delete_post(post=first.posts.get(number=1), by=first.author)
    make_topic(space=space, title="A newer topic")

    after = _locs(client, address)
    if (first.pk - 1) // 3 + 1 == page:
        before.remove(SITE + first.get_absolute_url())
    assert after[: len(before)] == before


def test_a_later_sitemap_page_is_read_by_key_range_not_offset(client, monkeypatch):
    from flywheel.seo.sitemaps import TopicSitemap

    monkeypatch.setattr(TopicSitemap, "limit", 2)
    space = SpaceFactory()
    topics = [make_topic(space=space, title=f"Topic {n}") for n in range(5)]
    page = (topics[-1].pk - 1) // 2 + 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/sitemap-topics.xml?p={page}").status_code == 200
    topic_queries = [q["sql"] for q in queries if "community_topic" in q["sql"]]
    assert topic_queries and not any("OFFSET" in sql.upper() for sql in topic_queries)


def test_the_sitemap_lists_product_review_pages_with_published_reviews_only(client):
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    reviewed = Product.objects.create(store=store, external_id="p1", title="Tent")
    pending_only = Product.objects.create(store=store, external_id="p2", title="Stove")
    gone = Product.objects.create(store=store, external_id="p3", title="Mat", deleted=True)
    for product, state in (
        (reviewed, ReviewState.PUBLISHED),
        (pending_only, ReviewState.PENDING),
        (gone, ReviewState.PUBLISHED),
    ):
        Review.objects.create(
            product=product,
            author=UserFactory(),
            rating=5,
            title="Good",
            body="Dry all week.",
            state=state,
            created_at=timezone.now(),
            updated_at=timezone.now(),
            published_at=timezone.now() if state == ReviewState.PUBLISHED else None,
        )

    urls = _locs(client, "/sitemap-reviews.xml")

    assert urls == [f"{SITE}/products/{reviewed.pk}/reviews/"]


@pytest.mark.parametrize("section", ["topics", "spaces"])
def test_a_sitemap_page_costs_the_same_queries_for_5_and_50_topics(client, section):
    space = SpaceFactory()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/sitemap-{section}.xml").status_code == 200
            assert client.get("/sitemap.xml").status_code == 200
        return len(queries)

    for n in range(5):
        make_topic(space=space, title=f"Topic {n}")
    count()  # the Sites framework caches the current site after its first query
    few = count()
    for n in range(45):
        make_topic(space=SpaceFactory() if n % 5 == 0 else space, title=f"More {n}")
    assert count() == few


# robots.txt --------------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_off_private_and_endless_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/manage/", "/api/", "/accounts/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines
    assert client.post("/robots.txt").status_code == 405


# Topic page head ---------------------------------------------------------------------------


def _json_ld(response):
    (block,) = JSON_LD.findall(response.content.decode())
    return json.loads(block)


def _meta(html, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    return match and match.group(1)


def test_a_question_page_carries_a_qapage_with_the_accepted_and_suggested_answers(client):
    asker = UserFactory(display_name="Asker Ann")
    question = make_topic(
        title="Which stove for winter?",
        body="I need a stove that works at **-20 °C**.",
        kind=TopicKind.QUESTION,
        author=asker,
    )
    accepted = make_reply(
        topic=question, body="A liquid-fuel stove.", author=UserFactory(display_name="Bo")
    )
    make_reply(topic=question, body="Canister stoves struggle in the cold.")
    held = make_reply(topic=question, body="zebraheldanswer")
    moderation_services.set_post_state(held, PostState.PENDING)
    community_services.accept_answer(reply=accepted, by=asker)
    question.refresh_from_db()

    response = client.get(question.get_absolute_url())

    html = response.content.decode()
    url = SITE + question.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert _meta(html, "og:type") == "article"
    assert _meta(html, "og:title") == "Which stove for winter?"
    assert _meta(html, "og:url") == url
    assert _meta(html, "og:description") == "I need a stove that works at -20 °C."
    assert 'name="robots"' not in html
    data = _json_ld(response)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "QAPage"
    question_ld = data["mainEntity"]
    assert question_ld["@type"] == "Question"
    assert question_ld["name"] == "Which stove for winter?"
    assert question_ld["text"] == "I need a stove that works at -20 °C."
    assert isinstance(question_ld["answerCount"], int)
    assert question_ld["answerCount"] == question.reply_count
    assert question_ld["dateCreated"] == question.created_at.isoformat()
    assert question_ld["author"] == {"@type": "Person", "name": "Asker Ann"}
    answer = question_ld["acceptedAnswer"]
    assert answer["@type"] == "Answer"
    assert answer["text"] == "A liquid-fuel stove."
    assert answer["author"] == {"@type": "Person", "name": "Bo"}
    assert answer["url"] == f"{SITE}/p/{accepted.pk}/"
    assert isinstance(answer["upvoteCount"], int)
    assert answer["dateCreated"] == accepted.created_at.isoformat()
    suggested = question_ld["suggestedAnswer"]
    assert [item["text"] for item in suggested] == ["Canister stoves struggle in the cold."]
    assert all(
        {"@type", "text", "url", "author", "dateCreated"} <= item.keys() for item in suggested
    )
    assert "zebraheldanswer" not in json.dumps(data)


def test_a_discussion_page_carries_a_discussion_forum_posting(client):
    topic = make_topic(title="Trip report: Alta Via 1", body="Nine days, " + "long words " * 60)
    make_reply(topic=topic)
    make_reply(topic=topic)
    topic.refresh_from_db()

    response = client.get(topic.get_absolute_url())

    data = _json_ld(response)
    assert data["@type"] == "DiscussionForumPosting"
    assert data["headline"] == "Trip report: Alta Via 1"
    assert data["text"].startswith("Nine days, long words")
    assert data["author"]["@type"] == "Person"
    assert data["datePublished"] == topic.created_at.isoformat()
    assert data["url"] == SITE + topic.get_absolute_url()
    assert data["commentCount"] == 2
    assert data["interactionStatistic"] == {
        "@type": "InteractionCounter",
        "interactionType": "https://schema.org/CommentAction",
        "userInteractionCount": 2,
    }
    description = _meta(response.content.decode(), "og:description")
    assert description.startswith("Nine days") and len(description) <= 200
    assert description.endswith("…")


def test_a_title_cannot_break_out_of_the_json_ld(client):
    title = '</script><script>alert(1)</script> & "quotes"'
    topic = make_topic(title=title, body="<img src=x onerror=alert(1)>")

    response = client.get(topic.get_absolute_url())

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert _json_ld(response)["headline"] == title
    assert (
        _meta(html, "og:title")
        == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"
    )


@pytest.mark.parametrize("visibility", [Visibility.MEMBERS, Visibility.GATED])
def test_a_private_topic_page_is_noindex_with_no_markup(client, visibility, member):
    from flywheel.community.models import SpaceAccessGrant

    space = SpaceFactory(visibility=visibility)
    SpaceAccessGrant.objects.create(space=space, member=member)
    topic = make_topic(
        space=space, title="zebrasecret plans", kind=TopicKind.QUESTION, author=member
    )
    client.force_login(member)

    response = client.get(topic.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "ld+json" not in html
    assert "og:" not in html
    assert 'rel="canonical"' not in html


def test_a_held_topic_shown_to_its_author_is_noindex(client):
    topic = make_topic(title="Held one")
    moderation_services.set_post_state(topic.posts.get(number=1), PostState.PENDING)
    client.force_login(topic.author)

    html = client.get(topic.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex">' in html
    assert "ld+json" not in html


def test_the_cached_signed_out_page_updates_its_markup_with_a_new_reply(client):
    topic = make_topic(title="Cached", kind=TopicKind.QUESTION)
    first = _json_ld(client.get(topic.get_absolute_url()))
    assert first["mainEntity"]["answerCount"] == 0

    make_reply(topic=topic, body="Fresh answer.")

    second = _json_ld(client.get(topic.get_absolute_url()))
    assert second["mainEntity"]["answerCount"] == 1
    assert second["mainEntity"]["suggestedAnswer"][0]["text"] == "Fresh answer."


def test_a_later_page_has_its_own_canonical_and_no_json_ld(client, settings):
    from flywheel.community import views

    topic = make_topic(title="Long thread")
    for _ in range(views.POSTS_PER_PAGE + 1):
        make_reply(topic=topic)

    html = client.get(topic.get_absolute_url() + "?page=2").content.decode()

    assert f'<link rel="canonical" href="{SITE}{topic.get_absolute_url()}?page=2">' in html
    assert "ld+json" not in html


def test_sitemap_topic_addresses_are_exactly_the_topics_own_addresses(client):
    from flywheel.seo.sitemaps import TopicSitemap

    space = SpaceFactory()
    topics = [
        make_topic(space=space, title=title)
        for title in ("Zelt für die Dolomiten?", "东京的露营地", "Tent & tarp: 50/50?")
    ]
    sitemap = TopicSitemap()
    for topic in topics:
        assert sitemap.location(topic) == topic.get_absolute_url()
    body = client.get("/sitemap-topics.xml").content.decode()
    for topic in topics:
        assert topic.get_absolute_url().replace("&", "&amp;") + "</loc>" in body
