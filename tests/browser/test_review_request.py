"""A customer follows the review-request link, leaves a photo review without signing in, and
it appears in the store's widget with the verified-buyer badge."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from flywheel.reviews import services
from tests.reviews.conftest import buy

pytestmark = pytest.mark.browser


def test_customer_reviews_from_the_email_link_and_it_appears_in_the_widget(
    page, live_server, settings, tmp_path
):
    from flywheel.commerce.models import Product, Store

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FLYWHEEL_REVIEWS_REQUEST_DAYS = 14
    settings.SITE_URL = live_server.url
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    product = Product.objects.create(store=store, external_id="p1", title="Trail Tent")
    buy(None, product, fulfilled_days_ago=20, email="anna@example.com")
    mail.outbox.clear()
    assert services.send_review_requests()["sent"] == 1
    link = re.search(r"https?://\S+/reviews/request/\S+", mail.outbox[0].body).group(0)

    photo = tmp_path / "tent.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())

    page.goto(link)
    page.get_by_label("Your name as shown on the review").fill("Anna K.")
    page.get_by_label("5★").check()
    page.get_by_label("Title").fill("Survived a storm")
    page.get_by_label("Your review (Markdown)").fill("Set up in **five minutes**.")
    page.get_by_label("Photos (up to 6; JPEG, PNG, GIF or WebP)").set_input_files(str(photo))
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_test_id("thanks")).to_contain_text("It is published.")

    page.goto(f"{live_server.url}/widget/products/{product.pk}/reviews/")
    review = page.get_by_test_id("review")
    expect(review).to_contain_text("Survived a storm")
    expect(review).to_contain_text("Anna K.")
    expect(review.get_by_test_id("verified-badge")).to_be_visible()
    expect(review.locator("img.fw-review-photo")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("anna@example.com")
