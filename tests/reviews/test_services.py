"""Writing, editing, publishing, votes and replies, as the services decide them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Activity
from flywheel.moderation.models import Flag, ReviewItem
from flywheel.reviews import services
from flywheel.reviews.models import (
    REVIEW_PUBLISHED,
    HelpfulVote,
    Review,
    ReviewPhoto,
    ReviewState,
)
from tests.reviews.conftest import buy, png

pytestmark = pytest.mark.django_db


def write(member, product, **overrides):
    values = {"rating": 5, "title": "Great tent", "body": "Kept me dry for a week."}
    values.update(overrides)
    return services.write_review(product=product, author=member, **values)


def test_a_verified_buyer_review_is_published_with_the_badge_and_logs_the_activity(
    buyer, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = write(buyer, product, photos=[png()])
    review.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED
    assert review.verified_buyer
    assert review.photos.get().thumbnail  # the background task made the small variant
    activity = Activity.objects.get(verb=REVIEW_PUBLISHED)
    assert activity.actor == buyer
    assert activity.payload["has_photos"] is True


def test_a_review_of_a_never_bought_product_is_refused_when_buyers_only(member, product):
    with pytest.raises(PermissionDenied, match="Only customers who bought"):
        write(member, product)
    assert not Review.objects.exists()


def test_non_buyers_may_review_when_the_setting_allows_it_but_wait_for_approval(
    member, product, settings
):
    settings.FLYWHEEL_REVIEWS_BUYERS_ONLY = False
    review = write(member, product)
    assert review.state == ReviewState.PENDING
    assert not review.verified_buyer
    assert not Activity.objects.filter(verb=REVIEW_PUBLISHED).exists()


def test_a_refunded_order_does_not_make_a_verified_buyer(member, product):
    buy(member, product, status="refunded")
    with pytest.raises(PermissionDenied):
        write(member, product)


def test_a_second_review_of_the_same_product_is_refused(buyer, product):
    write(buyer, product)
    with pytest.raises(Conflict, match="already reviewed"):
        write(buyer, product, title="Again")
    assert Review.objects.count() == 1


def test_the_database_allows_one_review_per_member_and_product(buyer, product):
    from django.db import IntegrityError
    from django.utils import timezone

    write(buyer, product)
    with pytest.raises(IntegrityError):
        Review.objects.create(
            product=product,
            author=buyer,
            rating=3,
            title="t",
            body="b",
            created_at=timezone.now(),
            updated_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": "six"}, "rating"),
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"title": "x" * 151}, "title"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(buyer, product, overrides, field):
    with pytest.raises(InvalidInput) as error:
        write(buyer, product, **overrides)
    assert error.value.field == field
    assert not Review.objects.exists()


def _bomb_png() -> SimpleUploadedFile:
    """A 20,000 × 20,000 PNG header: 400 megapixels claimed in a few hundred bytes."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("evil.jpg", b"#!/bin/sh\nrm -rf /\n", "image/jpeg"),
            "must be an image",
        ),
        (_bomb_png, "too many pixels|megapixels"),
        (
            lambda: SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"0" * (11 * 1024 * 1024)),
            "at most 10 MB",
        ),
        (
            lambda: SimpleUploadedFile(
                "pic.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                "image/svg+xml",
            ),
            "SVG",
        ),
    ],
    ids=["script-named-jpg", "png-bomb", "huge-file", "svg-with-script"],
)
def test_malicious_uploads_are_refused_and_nothing_is_stored(buyer, product, upload, message):
    with pytest.raises(InvalidInput, match=message) as error:
        write(buyer, product, photos=[png(), upload()])
    assert error.value.field == "photos"
    assert not Review.objects.exists()
    assert not ReviewPhoto.objects.exists()


def test_more_than_six_photos_are_refused(buyer, product):
    with pytest.raises(InvalidInput, match="at most 6 photos"):
        write(buyer, product, photos=[png() for _ in range(7)])


def test_photos_are_stored_without_exif_location(buyer, product):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    image = Image.new("RGB", (80, 60), "blue")
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPSInfo: latitude
    image.save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    review = write(buyer, product, photos=[upload])
    with review.photos.get().image.open("rb") as stored, Image.open(stored) as reopened:
        assert reopened.format == "WEBP"
        assert not reopened.getexif()


def test_markdown_is_sanitised(buyer, product):
    review = write(
        buyer,
        product,
        body='**Good** <script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))',
    )
    assert "<strong>Good</strong>" in review.body_html
    assert "<script" not in review.body_html
    assert "<img" not in review.body_html  # raw HTML is shown as text, never as a tag
    assert 'href="javascript' not in review.body_html


def test_editing_keeps_the_history_and_only_the_author_may_edit(buyer, product, other_member):
    review = write(buyer, product)
    services.edit_review(review=review, by=buyer, rating=4, title="Good tent", body="Damp once.")
    review.refresh_from_db()
    assert (review.rating, review.title) == (4, "Good tent")
    assert list(review.revisions.values_list("title", flat=True)) == ["Great tent"]
    with pytest.raises(PermissionDenied):
        services.edit_review(review=review, by=other_member, rating=1, title="x", body="y")
    review.refresh_from_db()
    assert review.title == "Good tent"


def test_one_helpful_vote_per_member(buyer, product, other_member):
    review = write(buyer, product)
    services.vote_helpful(review=review, member=other_member)
    with pytest.raises(Conflict, match="already"):
        services.vote_helpful(review=review, member=other_member)
    review.refresh_from_db()
    assert review.helpful_count == 1
    assert HelpfulVote.objects.count() == 1


def test_authors_cannot_vote_for_their_own_review(buyer, product):
    review = write(buyer, product)
    with pytest.raises(PermissionDenied):
        services.vote_helpful(review=review, member=buyer)


def test_only_the_brand_team_replies(buyer, product, other_member, moderator):
    review = write(buyer, product)
    with pytest.raises(PermissionDenied):
        services.reply_to_review(review=review, by=other_member, body="Thanks!")
    services.reply_to_review(review=review, by=moderator, body="Thanks **a lot**!")
    review.refresh_from_db()
    assert "<strong>a lot</strong>" in review.reply_html


def test_a_flagged_toxic_review_waits_for_a_moderator(buyer, product, monkeypatch):
    from flywheel.moderation.classifiers import Scores

    monkeypatch.setattr(
        "flywheel.moderation.automod.score_text",
        lambda text, language: Scores(toxicity=0.9, sentiment=-1.0, reasons=["insult"]),
    )
    review = write(buyer, product)
    assert review.state == ReviewState.PENDING
    assert Flag.objects.filter(target_id=review.pk, reason="automatic").exists()
    assert ReviewItem.objects.filter(target_id=review.pk).exists()


def test_members_flags_put_a_review_in_the_queue_and_hide_it_at_the_threshold(
    buyer, product, other_member, settings
):
    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 0.1  # one flag from a new member
    review = write(buyer, product)
    services.flag_review(review=review, flagger=other_member, reason="spam")
    review.refresh_from_db()
    assert review.state == ReviewState.PENDING
    assert ReviewItem.objects.filter(target_id=review.pk, flag_count=1).exists()


def test_staff_publish_a_pending_review_once_and_points_are_logged_once(
    member, product, moderator, settings
):
    settings.FLYWHEEL_REVIEWS_BUYERS_ONLY = False
    review = write(member, product)
    services.publish_review(review=review, by=moderator)
    services.publish_review(review=review, by=moderator)
    assert Activity.objects.filter(verb=REVIEW_PUBLISHED).count() == 1
    with pytest.raises(PermissionDenied):
        services.reject_review(review=review, by=member)


def test_demo_reviews_are_deterministic_and_idempotent(db, settings):
    import datetime as dt

    from allauth.account.models import EmailAddress

    from flywheel.reviews.demo import seed_demo_reviews
    from tests.factories import UserFactory

    for _ in range(6):
        member = UserFactory()  # the demo's members have verified addresses, as here
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    anchor = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert seed_demo_reviews(seed=7, anchor=anchor) == 6
    assert seed_demo_reviews(seed=7, anchor=anchor) == 0
    reviews = Review.objects.all()
    assert all(review.verified_buyer for review in reviews)
    assert all(review.state == ReviewState.PUBLISHED for review in reviews)
    assert ReviewPhoto.objects.count() >= 2


def test_the_members_export_holds_their_reviews_and_photos_and_erasure_removes_them(buyer, product):
    import os

    from flywheel.core import hooks

    write(buyer, product, photos=[png()])
    exported = hooks.privacy_exporters.get("reviews")(buyer)
    assert exported.data[0]["title"] == "Great tent"
    assert len(exported.files) == 1
    photo_path = ReviewPhoto.objects.get().image.path
    hooks.privacy_erasers.get("reviews")(buyer, content="anonymise")
    assert not Review.objects.exists()
    assert not os.path.exists(photo_path)


def test_review_photos_count_against_the_trust_levels_upload_allowance(
    buyer, product, store, settings
):
    from flywheel.commerce.models import Product
    from flywheel.core.exceptions import RateLimited

    settings.FLYWHEEL_RATE_LIMITS = {"photo_upload": {0: "3/d", 3: None}}
    settings.FLYWHEEL_TRUST_LEVEL_RESOLVER = "tests.reviews.conftest.level_zero"
    write(buyer, product, photos=[png(), png()])
    second = Product.objects.create(store=store, external_id="p2", title="Footprint")
    buy(buyer, second)
    with pytest.raises(RateLimited) as refused:
        write(buyer, second, photos=[png(), png()])
    assert refused.value.field == "photos"
    assert "trust level" in refused.value.message
    assert not Review.objects.filter(product=second).exists()
    assert ReviewPhoto.objects.count() == 2
    # The refused batch used nothing up: one more photo still fits today.
    review = write(buyer, second, photos=[png()])
    assert review.photo_count == 1


def test_a_higher_trust_level_uploads_without_that_limit(buyer, product, settings):
    settings.FLYWHEEL_RATE_LIMITS = {"photo_upload": {0: "1/d", 3: None}}
    settings.FLYWHEEL_TRUST_LEVEL_RESOLVER = "tests.reviews.conftest.level_three"
    assert write(buyer, product, photos=[png(), png(), png()]).photo_count == 3
