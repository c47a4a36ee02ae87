"""Product links in posts go through a first-party signed redirect that records the click;
orders within the attribution window after a member's click are community-attributed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from flywheel.analytics import links, queries, services
from flywheel.analytics.models import ProductLinkClick
from flywheel.analytics.queries import Period
from flywheel.commerce.models import Store
from flywheel.community import services as community
from flywheel.core.markup import render_markdown
from flywheel.privacy.registry import erasers, exporters
from tests.analytics.dataset import order, verified
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

PRODUCT = "https://shop.northtrail.example/products/summit-boot?variant=2"


@pytest.fixture
def store(settings):
    settings.FLYWHEEL_ATTRIBUTION_WINDOW_DAYS = 7
    cache.delete(links.DOMAINS_CACHE_KEY)
    store = Store.objects.create(
        platform="shopify", domain="shop.northtrail.example", webhook_secret="s", currency="EUR"
    )
    links.refresh_shop_domains()  # what the periodic rollup does every run
    yield store
    cache.delete(links.DOMAINS_CACHE_KEY)


def _href(html: str) -> str:
    return html.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_a_shop_link_in_a_post_is_rendered_as_a_first_party_redirect(store):
    html = render_markdown(f"Mine are these: {PRODUCT} and [a map](https://maps.example.com/x)")
    href = _href(html)
    assert href.startswith("/go/")
    assert links.url_for_token(href.split("/")[2]) == PRODUCT
    assert 'href="https://maps.example.com/x"' in html  # other sites are left alone
    assert f'title="{PRODUCT.replace("&", "&amp;")}"' in html


def test_extra_product_domains_come_from_the_setting(settings, store):
    settings.FLYWHEEL_PRODUCT_LINK_DOMAINS = "northtrail.example"
    assert _href(render_markdown("https://www.northtrail.example/sale")).startswith("/go/")


def test_following_the_link_records_the_members_click_and_redirects(store):
    member = UserFactory()
    space = SpaceFactory()
    topic = community.create_topic(
        author=member, space=space, title="Boots", body=PRODUCT, enforce_rate_limit=False
    )
    href = _href(topic.posts.get(number=1).body_html)
    client = Client()
    client.force_login(member)
    response = client.get(href)
    assert response.status_code == 302
    assert response["Location"] == PRODUCT
    assert response["Referrer-Policy"] == "no-referrer"
    click = ProductLinkClick.objects.get()
    assert (click.member, click.url) == (member, PRODUCT)
    assert not response.cookies  # nothing is set for the shop or anyone else


def test_a_guests_click_is_recorded_without_a_member(store):
    href = _href(render_markdown(PRODUCT))
    assert Client().get(href).status_code == 302
    assert ProductLinkClick.objects.get().member is None


def test_a_forged_token_is_a_404_and_records_nothing(store):
    token = _href(render_markdown(PRODUCT)).split("/")[2]
    assert Client().get(f"/go/{token[:-2]}xx/").status_code == 404
    assert Client().get("/go/https%3A%2F%2Fevil.example/").status_code == 404
    assert not ProductLinkClick.objects.exists()


def test_past_the_rate_limit_clicks_still_redirect_but_are_not_recorded(settings, store):
    settings.FLYWHEEL_PRODUCT_LINK_CLICK_RATE = "2/h"
    href = _href(render_markdown(PRODUCT))
    client = Client()
    for _ in range(4):
        assert client.get(href).status_code == 302
    assert ProductLinkClick.objects.count() == 2


def test_community_attributed_revenue_counts_orders_within_the_window_after_a_click(store):
    # ann clicks 10 days ago; orders 3 days later (inside 7 days: 30.00) and 9 days later
    # (outside: 50.00). bea orders without clicking (20.00). cid clicks after his order.
    # A cancelled order inside ann's window does not count. Attributed: 1 order, 30.00 EUR.
    now = timezone.now()
    ann, bea, cid = (verified(UserFactory(handle=h)) for h in ("ann", "bea", "cid"))
    clicked = now - dt.timedelta(days=10)
    ProductLinkClick.objects.create(member=ann, url=PRODUCT, clicked_at=clicked)
    order(store, "a1", email=ann.email, placed=clicked + dt.timedelta(days=3), total="30.00")
    order(store, "a2", email=ann.email, placed=clicked + dt.timedelta(days=9), total="50.00")
    order(
        store,
        "a3",
        email=ann.email,
        placed=clicked + dt.timedelta(days=1),
        total="99.00",
        cancelled=clicked + dt.timedelta(days=2),
    )
    order(store, "b1", email=bea.email, placed=clicked + dt.timedelta(days=3), total="20.00")
    order(store, "c1", email=cid.email, placed=clicked, total="15.00")
    ProductLinkClick.objects.create(
        member=cid, url=PRODUCT, clicked_at=clicked + dt.timedelta(hours=1)
    )
    ProductLinkClick.objects.create(member=None, url=PRODUCT, clicked_at=clicked)
    today = timezone.localdate()

    summary = queries.attribution_summary(Period(today - dt.timedelta(days=29), today))

    assert summary["clicks"] == 3
    assert summary["members_clicking"] == 2
    assert summary["currencies"] == {"EUR": {"orders": 1, "revenue": Decimal("30.00")}}


def test_clicks_are_exported_and_erased_with_the_member(store):
    member = UserFactory()
    services.record_product_link_click(url=PRODUCT, member=member)
    assert exporters()["analytics"](member)["product_link_clicks"][0]["url"] == PRODUCT
    erasers()["analytics"](member, content="delete")
    assert not ProductLinkClick.objects.exists()


def test_a_newly_connected_store_is_picked_up_by_the_next_rollup_run(db):
    cache.delete(links.DOMAINS_CACHE_KEY)
    Store.objects.create(
        platform="shopify", domain="new.shop.example", webhook_secret="s", currency="EUR"
    )
    assert "/go/" not in render_markdown("https://new.shop.example/p/1")
    services.update_rollups()
    assert "/go/" in render_markdown("https://new.shop.example/p/1")
    cache.delete(links.DOMAINS_CACHE_KEY)
