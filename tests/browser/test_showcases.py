"""A member shares a showcase with a photo through the form; the brand team features it and it
shows in the gallery and on the home page. Screenshots at desktop and phone widths of the new
pages (gallery, showcase, share form, a product's reviews with fit answers, a topic page with
the verified-buyer badge), none scrolling sideways."""

import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from flywheel.reviews import services as reviews
from flywheel.showcases import services
from flywheel.showcases.models import Showcase
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import ModeratorFactory, make_reply, make_topic
from tests.reviews.conftest import buy

pytestmark = pytest.mark.browser


def landscape(path, colour="#e76f51"):
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 600), (350, 220), (700, 600)], fill="#264653")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_shares_a_showcase_and_the_brand_team_features_it(
    page, phone_page, live_server, settings, tmp_path
):
    from flywheel.commerce.models import Product, Store

    settings.MEDIA_ROOT = tmp_path / "media"
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    tent = Product.objects.create(
        store=store, external_id="p1", title="Ridgeline 2 tent", handle="ridgeline"
    )
    member = verified_member(display_name="Anna Keller")
    sign_in(page, live_server, email=member.email)
    page.goto(f"{live_server.url}/showcases/share/")
    page.get_by_label("Title").fill("Sunrise above the Seceda")
    page.get_by_label("Kind").select_option("trip")
    page.get_by_label("Photos (1 to 6; JPEG, PNG, GIF or WebP)").set_input_files(
        str(landscape(tmp_path / "seceda.jpg"))
    )
    page.get_by_label("Your story (Markdown, optional)").fill("Pitched at 2,500 m. **Dry.**")
    page.get_by_label("Gear in the photos").select_option(str(tent.pk))
    screenshot(page, "showcase-share-desktop")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_test_id("showcase")).to_contain_text("Sunrise above the Seceda")
    expect(page.get_by_test_id("showcase")).to_contain_text("Ridgeline 2 tent")
    showcase = Showcase.objects.get()

    moderator = ModeratorFactory()
    services.feature_showcase(showcase=showcase, by=moderator)
    for index, colour in enumerate(["#2a9d8f", "#e9c46a", "#8ab17d"]):
        other = verified_member(display_name=f"Member {index}")
        photo = tmp_path / f"p{index}.jpg"
        landscape(photo, colour)
        from django.core.files.uploadedfile import SimpleUploadedFile

        services.share_showcase(
            author=other,
            title=["Layering for frost", "Stove nook in my van", "First solo night"][index],
            kind=["look", "build", "trip"][index],
            photos=[SimpleUploadedFile(photo.name, photo.read_bytes(), "image/jpeg")],
            product_ids=[tent.pk],
        )
    services.comment_on_showcase(showcase=showcase, author=other, body="What a view!")
    services.react_to_showcase(showcase=showcase, member=other)

    for viewer, width in ((page, "desktop"), (phone_page, "phone")):
        viewer.goto(f"{live_server.url}/showcases/")
        featured = viewer.get_by_test_id("featured-showcases")
        expect(featured).to_contain_text("Sunrise above the Seceda")
        no_sideways_scroll(viewer)
        screenshot(viewer, f"showcases-gallery-{width}")
        viewer.goto(f"{live_server.url}{showcase.get_absolute_url()}")
        expect(viewer.get_by_test_id("comment")).to_contain_text("What a view!")
        no_sideways_scroll(viewer)
        screenshot(viewer, f"showcase-page-{width}")
        viewer.goto(f"{live_server.url}/")
        expect(viewer.get_by_test_id("home-showcases")).to_contain_text("Sunrise above")
        no_sideways_scroll(viewer)


def test_fit_answers_and_the_verified_badge_on_screens(page, phone_page, live_server, settings):
    from flywheel.commerce.models import Product, Store

    settings.FLYWHEEL_REVIEWS_BUYERS_ONLY = True
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    jacket = Product.objects.create(
        store=store, external_id="j1", title="Stormline rain jacket", handle="stormline"
    )
    fit = reviews.define_fit_question(
        product_type="Apparel",
        prompt="How does it fit?",
        choices=["Runs small", "True to size", "Runs large"],
        products=[jacket],
    )
    buyers = []
    for index, (rating, choice) in enumerate(
        [(5, "True to size"), (4, "Runs small"), (5, "True to size")]
    ):
        buyer = verified_member(display_name=f"Buyer {index}")
        buy(buyer, jacket)
        reviews.write_review(
            product=jacket,
            author=buyer,
            rating=rating,
            title=["Bone dry", "Size up", "Great shell"][index],
            body="Kept me dry on a wet week in Skye.",
            fit_answers={fit.pk: choice},
        )
        buyers.append(buyer)
    topic = make_topic(author=buyers[0], title="Stormline in heavy rain?", tags=["stormline"])
    make_reply(topic=topic, author=verified_member(display_name="Not a buyer"))
    for viewer, width in ((page, "desktop"), (phone_page, "phone")):
        viewer.goto(f"{live_server.url}/products/{jacket.pk}/reviews/")
        expect(viewer.get_by_test_id("fit-summary")).to_contain_text("True to size 67%")
        no_sideways_scroll(viewer)
        screenshot(viewer, f"reviews-fit-{width}")
        viewer.goto(f"{live_server.url}{topic.get_absolute_url()}")
        expect(viewer.get_by_test_id("verified-buyer")).to_have_count(1)
        no_sideways_scroll(viewer)
        screenshot(viewer, f"topic-verified-buyer-{width}")
