"""The pages, the JSON API and the widget: who may do what, what each shows, query budgets."""

import json
import re

import pytest
from django.urls import reverse

from flywheel.reviews import services
from flywheel.reviews.models import HelpfulVote, Review
from tests.factories import UserFactory
from tests.reviews.conftest import buy, png

pytestmark = pytest.mark.django_db


def write(member, product, **overrides):
    values = {"rating": 5, "title": "Great tent", "body": "Kept me dry for a week."}
    values.update(overrides)
    return services.write_review(product=product, author=member, **values)


def many_reviews(product, count):
    for index in range(count):
        author = UserFactory()
        buy(author, product)
        write(author, product, rating=1 + index % 5, photos=[png()] if index % 2 else [])


def test_the_product_page_is_public_and_shows_the_verified_badge(client, buyer, product):
    write(buyer, product)
    response = client.get(reverse("reviews:product", args=[product.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Great tent" in html
    assert 'data-testid="verified-badge"' in html
    assert buyer.email not in html


def test_pending_reviews_are_shown_to_their_author_only(client, member, product, settings):
    settings.FLYWHEEL_REVIEWS_BUYERS_ONLY = False
    write(member, product, title="Waiting review")
    url = reverse("reviews:product", args=[product.pk])
    assert "Waiting review" not in client.get(url).content.decode()
    client.force_login(member)
    assert "Waiting review" in client.get(url).content.decode()


def test_filter_by_rating_and_sort_by_photos(client, product):
    many_reviews(product, 5)
    url = reverse("reviews:product", args=[product.pk])
    html = client.get(url, {"rating": 3}).content.decode()
    assert html.count('data-testid="review"') == 1
    html = client.get(url, {"sort": "photos"}).content.decode()
    assert html.count('data-testid="review"') == 2  # only those with photos


@pytest.mark.parametrize("count", [5, 50])
def test_the_product_page_costs_the_same_queries_for_5_and_50_reviews(
    client, product, count, django_assert_max_num_queries
):
    many_reviews(product, count)
    viewer = UserFactory()
    client.force_login(viewer)
    url = reverse("reviews:product", args=[product.pk])
    client.get(url)  # warm per-process caches (guidelines version, site)
    # session+user, product, reviews, photos, summary, votes, moderation/trust middleware
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_api_list_costs_the_same_queries_for_5_and_50_reviews(
    client, product, count, django_assert_num_queries
):
    many_reviews(product, count)
    url = f"/api/v1/reviews/products/{product.pk}?limit=100"
    # product, reviews (with authors), photos, fit answers, summary
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.json()["items"]) == count


def test_the_api_never_exposes_emails(client, buyer, product):
    write(buyer, product)
    body = client.get(f"/api/v1/reviews/products/{product.pk}").content.decode()
    assert buyer.email not in body
    data = json.loads(body)
    assert data["summary"]["count"] == 1
    assert data["items"][0]["verified_buyer"] is True


def test_writing_through_the_page_and_the_double_review_is_refused(client, buyer, product):
    client.force_login(buyer)
    url = reverse("reviews:write", args=[product.pk])
    response = client.post(
        url, {"rating": "4", "title": "Solid", "body": "Nice.", "photos": [png()]}
    )
    assert response.status_code == 302
    assert Review.objects.get().photo_count == 1
    # A second visit goes to the edit form; a direct API write is refused.
    assert client.get(url).url == reverse("reviews:edit", args=[Review.objects.get().pk])
    response = client.post(
        f"/api/v1/reviews/products/{product.pk}",
        {"rating": 5, "title": "Again", "body": "Again"},
        content_type="application/json",
    )
    assert response.status_code in (403, 409)
    assert Review.objects.count() == 1


def test_a_non_buyer_cannot_review_through_the_page_or_the_api(client, member, product):
    client.force_login(member)
    response = client.post(
        reverse("reviews:write", args=[product.pk]), {"rating": "5", "title": "t", "body": "b"}
    )
    assert response.status_code == 403
    assert "Only customers who bought" in response.content.decode()
    assert not Review.objects.exists()


def test_a_refused_photo_is_explained_on_the_form_and_nothing_is_stored(client, buyer, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(buyer)
    evil = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(
        reverse("reviews:write", args=[product.pk]),
        {"rating": "5", "title": "t", "body": "b", "photos": [evil]},
    )
    assert response.status_code == 422
    assert "must be an image" in response.content.decode()
    assert not Review.objects.exists()


def test_editing_another_members_review_is_refused(client, buyer, product, other_member):
    review = write(buyer, product)
    client.force_login(other_member)
    url = reverse("reviews:edit", args=[review.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"rating": "1", "title": "Hacked", "body": "Hacked"})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.title == "Great tent"


def test_voting_twice_is_refused(client, buyer, product, other_member):
    review = write(buyer, product)
    client.force_login(other_member)
    url = reverse("reviews:helpful", args=[review.pk])
    first = client.post(url, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert "you voted" in first.content.decode()
    second = client.post(url, HTTP_HX_REQUEST="true")
    assert second.status_code == 409
    assert HelpfulVote.objects.count() == 1


def test_voting_signed_out_is_refused(client, buyer, product):
    review = write(buyer, product)
    assert client.post(reverse("reviews:helpful", args=[review.pk])).status_code == 403


def test_xss_in_a_review_is_never_markup_on_the_page_or_in_the_json_ld(client, buyer, product):
    write(
        buyer, product, title="</script><script>alert(1)</script>", body="<b onmouseover=x>hi</b>"
    )
    html = client.get(reverse("reviews:product", args=[product.pk])).content.decode()
    assert "<script>alert(1)" not in html
    assert "onmouseover=x>" not in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["review"][0]["name"] == "</script><script>alert(1)</script>"


def test_members_reviews_page(client, buyer, product):
    write(buyer, product)
    client.force_login(buyer)
    assert "Great tent" in client.get(reverse("reviews:mine")).content.decode()


def test_staff_reply_and_others_cannot(client, buyer, product, other_member, moderator):
    review = write(buyer, product)
    url = reverse("reviews:reply", args=[review.pk])
    client.force_login(other_member)
    assert client.post(url, {"reply": "Fake"}).status_code == 403
    client.force_login(moderator)
    client.post(url, {"reply": "Thank you!"})
    html = client.get(reverse("reviews:product", args=[product.pk])).content.decode()
    assert 'data-testid="brand-reply"' in html


def test_the_widget_shows_the_summary_and_schema_org_and_may_be_framed_by_the_store(
    client, buyer, product, django_assert_num_queries
):
    write(buyer, product, photos=[png()])
    url = reverse("reviews:widget", args=[product.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'self' https://shop.example.com" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert buyer.email not in html
    assert 'data-testid="verified-badge"' in html
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Product"
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 5.0,
        "reviewCount": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert data["review"][0]["@type"] == "Review"
    with django_assert_num_queries(0):  # cached
        client.get(url)


def test_the_widget_cache_is_refreshed_when_a_review_is_published(
    client, buyer, product, other_member, django_capture_on_commit_callbacks
):
    url = reverse("reviews:widget", args=[product.pk])
    assert "No reviews yet" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        write(buyer, product)
    assert "Great tent" in client.get(url).content.decode()


def test_the_widget_script_inserts_the_iframe(client):
    response = client.get(reverse("reviews:widget_script"))
    assert response["Content-Type"].startswith("text/javascript")
    assert "/widget/products/" in response.content.decode()


def test_review_counts_read_as_real_plurals(client, buyer, product):
    write(buyer, product, rating=4)
    html = client.get(reverse("reviews:product", args=[product.pk])).content.decode()
    assert "4.0 out of 5 · 1 review<" in html or "out of 5 · 1 review<" in html
    assert "1 reviews" not in html
    assert "4★: 1 review<" in html
    assert "5★: 0 reviews<" in html
    assert ">1 star<" in html and ">2 stars<" in html
