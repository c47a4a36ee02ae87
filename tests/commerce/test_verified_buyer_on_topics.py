"""The verified-buyer badge next to names on topic pages about a product: the space's purchase
gate names the product, or the topic is tagged with the product's handle (commerce registers
hooks.post_list_prefetches; community never imports commerce)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flywheel.commerce.models import FinancialStatus, Product, SpaceGate, Store
from flywheel.community.models import SpaceAccessGrant, Visibility
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic
from tests.reviews.conftest import buy

pytestmark = pytest.mark.django_db

BADGE = 'data-testid="verified-buyer"'


@pytest.fixture
def product(db):
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    return Product.objects.create(
        store=store, external_id="p1", title="Hubba Hubba tent", handle="hubba-hubba"
    )


def author_badges(html: str) -> list[bool]:
    """For each post on the page, whether its author line carries the badge."""
    posts = html.split('class="fw-post-author"')[1:]
    return [BADGE in post.split("</div>", 1)[0] for post in posts]


def test_a_buyer_is_marked_on_a_topic_tagged_with_the_product_and_others_are_not(client, product):
    buyer, browser = UserFactory(), UserFactory()
    buy(buyer, product)
    topic = make_topic(author=buyer, tags=["hubba-hubba"])
    make_reply(topic=topic, author=browser)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert author_badges(html) == [True, False]


def test_no_badge_on_a_topic_not_about_the_product(client, product):
    buyer = UserFactory()
    buy(buyer, product)
    topic = make_topic(author=buyer, tags=["campfires"])
    assert author_badges(client.get(topic.get_absolute_url()).content.decode()) == [False]


def test_a_refunded_or_unpaid_order_earns_no_badge(client, product):
    refunded, pending = UserFactory(), UserFactory()
    buy(refunded, product, status=FinancialStatus.REFUNDED)
    buy(pending, product, status=FinancialStatus.PENDING)
    topic = make_topic(author=refunded, tags=["hubba-hubba"])
    make_reply(topic=topic, author=pending)
    assert author_badges(client.get(topic.get_absolute_url()).content.decode()) == [False, False]


def test_a_buyer_is_marked_in_the_space_the_product_opens(client, product):
    space = SpaceFactory(visibility=Visibility.GATED)
    SpaceGate.objects.create(space=space).products.add(product)
    buyer, other_buyer = UserFactory(), UserFactory()
    buy(buyer, product)
    other = Product.objects.create(store=product.store, external_id="p2", title="Stove")
    buy(other_buyer, other)
    # A staff grant lets in a member who bought something else: no badge here.
    SpaceAccessGrant.objects.create(space=space, member=other_buyer, reason="tester")
    topic = make_topic(space=space, author=buyer)
    make_reply(topic=topic, author=other_buyer)
    client.force_login(buyer)
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert author_badges(response.content.decode()) == [True, False]


def add_buyer_replies(topic, product, count):
    for _ in range(count):
        author = UserFactory()
        buy(author, product)
        make_reply(topic=topic, author=author)


def queries_for(client, url) -> tuple[int, str]:
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return len(queries), html


def test_the_badge_costs_no_query_per_post_with_5_and_50_buyers(client, product):
    topic = make_topic(tags=["hubba-hubba"])
    add_buyer_replies(topic, product, 5)
    url = topic.get_absolute_url()
    with_five, html = queries_for(client, url)
    assert author_badges(html).count(True) == 5
    add_buyer_replies(topic, product, 45)
    with_fifty, html = queries_for(client, url)
    assert author_badges(html).count(True) >= 24  # a full page of buyers
    assert with_fifty == with_five
