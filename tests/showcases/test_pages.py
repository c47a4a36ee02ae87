"""The gallery, a showcase's page, sharing one and the brand team's buttons: who may do what,
what each shows, and query budgets that stay flat."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flywheel.showcases import services
from flywheel.showcases.models import Showcase, ShowcaseState
from tests.factories import ModeratorFactory, UserFactory
from tests.reviews.conftest import png
from tests.showcases.conftest import share

pytestmark = pytest.mark.django_db


def many(count, product=None):
    for index in range(count):
        share(
            UserFactory(),
            title=f"Showcase {index}",
            product_ids=[product.pk] if product else [],
            at=None,
        )


def queries_for(client, url) -> int:
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_gallery_costs_the_same_queries_for_5_and_50_showcases(
    client, product, settings, signed_in
):
    settings.FLYWHEEL_RATE_LIMITS = {}
    if signed_in:
        client.force_login(UserFactory())
    many(5, product)
    with_five = queries_for(client, reverse("showcases:gallery"))
    many(45, product)
    assert queries_for(client, reverse("showcases:gallery")) == with_five


def test_the_home_page_shows_featured_showcases_at_a_flat_cost(client, settings):
    settings.FLYWHEEL_RATE_LIMITS = {}
    moderator = ModeratorFactory()
    showcase = share(UserFactory(), title="Featured sunrise")
    assert "Featured sunrise" not in client.get("/").content.decode()
    services.feature_showcase(showcase=showcase, by=moderator)
    html = client.get("/").content.decode()
    assert 'data-testid="home-showcases"' in html and "Featured sunrise" in html
    with_one = queries_for(client, "/")
    for index in range(10):
        services.feature_showcase(showcase=share(UserFactory(), title=f"F{index}"), by=moderator)
    assert queries_for(client, "/") == with_one


def test_a_visitor_sees_a_published_showcase_but_not_a_pending_one(client, settings):
    published = share(UserFactory(), title="Open for all")
    settings.FLYWHEEL_TOXICITY_FLAG = 0.0
    author = UserFactory()
    pending = share(author, title="Waiting one", story="idiots and morons")
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(pending.get_absolute_url()).status_code == 404
    gallery = client.get(reverse("showcases:gallery")).content.decode()
    assert "Open for all" in gallery and "Waiting one" not in gallery
    client.force_login(author)  # the author still sees their own
    assert client.get(pending.get_absolute_url()).status_code == 200
    client.force_login(UserFactory())
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_a_member_shares_a_showcase_through_the_form(client, member, product):
    client.force_login(member)
    assert "Share a showcase" in client.get(reverse("showcases:share")).content.decode()
    response = client.post(
        reverse("showcases:share"),
        {
            "title": "My first build",
            "kind": "build",
            "story": "Took a weekend.",
            "products": [str(product.pk)],
            "photos": [png()],
        },
    )
    showcase = Showcase.objects.get()
    assert response.status_code == 302 and response["Location"] == showcase.get_absolute_url()
    html = client.get(showcase.get_absolute_url()).content.decode()
    assert "My first build" in html and product.title in html


def test_the_form_names_a_refused_photo_and_keeps_what_was_typed(client, member):
    client.force_login(member)
    response = client.post(
        reverse("showcases:share"), {"title": "Kept title", "kind": "look", "story": "Kept"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Add at least one photo." in html and 'value="Kept title"' in html


def test_a_visitor_is_sent_to_sign_in_and_cannot_post(client):
    response = client.get(reverse("showcases:share"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("showcases:share"), {"title": "x"}).status_code == 403
    showcase = share(UserFactory())
    assert client.post(reverse("showcases:react", args=[showcase.pk])).status_code == 403
    assert (
        client.post(reverse("showcases:comment", args=[showcase.pk]), {"body": "hi"}).status_code
        == 403
    )


def test_a_member_reacts_and_comments(client, member):
    showcase = share(UserFactory())
    client.force_login(member)
    client.post(reverse("showcases:react", args=[showcase.pk]))
    client.post(reverse("showcases:comment", args=[showcase.pk]), {"body": "Stunning light!"})
    html = client.get(showcase.get_absolute_url()).content.decode()
    assert "1 like" in html and "Stunning light!" in html and "1 comment" in html


def test_a_member_cannot_feature_publish_or_reject(client, member):
    showcase = share(UserFactory())
    client.force_login(member)
    for name in ("feature", "unfeature", "publish", "reject"):
        assert client.post(reverse(f"showcases:{name}", args=[showcase.pk])).status_code == 403
    showcase.refresh_from_db()
    assert showcase.state == ShowcaseState.PUBLISHED and showcase.featured_at is None


def test_the_brand_team_features_from_the_page_and_it_shows_in_the_gallery(client):
    showcase = share(UserFactory(), title="Best of the month")
    client.force_login(ModeratorFactory())
    assert (
        'data-testid="brand-team-actions"'
        in client.get(showcase.get_absolute_url()).content.decode()
    )
    client.post(reverse("showcases:feature", args=[showcase.pk]))
    gallery = client.get(reverse("showcases:gallery")).content.decode()
    featured = gallery.split('data-testid="featured-showcases"')[1].split("</section>")[0]
    assert "Best of the month" in featured


def test_a_showcase_page_has_canonical_and_open_graph_tags(client):
    showcase = share(UserFactory(), title="Misty ridge")
    html = client.get(showcase.get_absolute_url()).content.decode()
    assert f'rel="canonical" href="http://testserver{showcase.get_absolute_url()}"' in html
    assert 'property="og:image"' in html and "noindex" not in html


def test_the_sitemap_lists_published_showcases_only(client, settings):
    published = share(UserFactory(), title="Listed")
    settings.FLYWHEEL_TOXICITY_FLAG = 0.0
    pending = share(UserFactory(), title="Held", story="idiots and morons")
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-showcases.xml" in index
    body = client.get("/sitemap-showcases.xml").content.decode()
    assert published.get_absolute_url() in body
    assert pending.get_absolute_url() not in body
