"""Sharing, reacting, commenting, featuring and moderating showcases, as the services decide."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from flywheel.core.exceptions import Conflict, InvalidInput, RateLimited
from flywheel.core.models import Activity, Verb
from flywheel.moderation.models import ReviewItem
from flywheel.showcases import services
from flywheel.showcases.models import Showcase, ShowcasePhoto, ShowcaseState
from tests.factories import ModeratorFactory, UserFactory
from tests.reviews.conftest import png
from tests.showcases.conftest import share

pytestmark = pytest.mark.django_db


def test_a_showcase_goes_live_with_its_photos_products_and_one_activity(
    member, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        showcase = share(member, photos=[png(), png(color="blue")], product_ids=[product.pk])
    showcase.refresh_from_db()
    assert showcase.state == ShowcaseState.PUBLISHED
    assert showcase.photo_count == 2
    assert list(showcase.products.all()) == [product]
    assert all(photo.thumbnail for photo in showcase.photos.all())  # the background task
    assert "<strong>dry</strong>" in showcase.story_html
    activity = Activity.objects.get(verb=Verb.SHOWCASE_PUBLISHED)
    assert activity.actor == member and activity.payload["product_ids"] == [product.pk]


def test_a_showcase_needs_a_photo_and_a_title(member):
    with pytest.raises(InvalidInput) as no_photo:
        share(member, photos=[])
    assert no_photo.value.field == "photos"
    with pytest.raises(InvalidInput) as no_title:
        share(member, title="  ")
    assert no_title.value.field == "title"
    assert not Showcase.objects.exists()


def test_a_script_named_jpg_is_refused_and_nothing_is_stored(member):
    script = SimpleUploadedFile("cat.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as refused:
        share(member, photos=[png(), script])
    assert refused.value.field == "photos"
    assert not Showcase.objects.exists() and not ShowcasePhoto.objects.exists()


def test_an_unknown_product_is_refused_naming_the_field(member):
    with pytest.raises(InvalidInput) as refused:
        share(member, product_ids=["999999"])
    assert refused.value.field == "products"


def test_photos_count_against_the_trust_levels_upload_allowance(member, settings):
    settings.FLYWHEEL_RATE_LIMITS = {"photo_upload": {0: "2/d"}}
    settings.FLYWHEEL_TRUST_LEVEL_RESOLVER = "tests.reviews.conftest.level_zero"
    share(member, photos=[png(), png()])
    with pytest.raises(RateLimited) as refused:
        share(member, title="One more")
    assert refused.value.field == "photos"
    assert Showcase.objects.count() == 1


def test_a_toxic_story_waits_in_the_moderation_queue(member, settings):
    settings.FLYWHEEL_TOXICITY_FLAG = 0.0
    showcase = share(member, story="You are all idiots and morons.")
    assert showcase.state == ShowcaseState.PENDING
    assert ReviewItem.objects.filter(target_id=showcase.pk).exists()
    assert not Activity.objects.filter(verb=Verb.SHOWCASE_PUBLISHED).exists()


def test_reacting_twice_takes_the_reaction_back(member):
    showcase = share(UserFactory())
    assert services.react_to_showcase(showcase=showcase, member=member) is True
    assert services.react_to_showcase(showcase=showcase, member=member) is False
    showcase.refresh_from_db()
    assert showcase.reaction_count == 0


def test_comments_are_sanitised_and_counted(member):
    showcase = share(UserFactory())
    comment = services.comment_on_showcase(
        showcase=showcase, author=member, body="<script>x</script> Great shot!"
    )
    assert "<script" not in comment.body_html
    showcase.refresh_from_db()
    assert showcase.comment_count == 1


def test_nobody_reacts_to_or_comments_on_a_pending_showcase(member, settings):
    settings.FLYWHEEL_TOXICITY_FLAG = 0.0
    showcase = share(UserFactory(), story="idiots and morons")
    with pytest.raises(PermissionDenied):
        services.react_to_showcase(showcase=showcase, member=member)
    with pytest.raises(PermissionDenied):
        services.comment_on_showcase(showcase=showcase, author=member, body="Nice")


def test_only_the_brand_team_features_and_only_published_showcases(member, settings):
    showcase = share(UserFactory())
    with pytest.raises(PermissionDenied):
        services.feature_showcase(showcase=showcase, by=member)
    moderator = ModeratorFactory()
    services.feature_showcase(showcase=showcase, by=moderator)
    assert Showcase.objects.get().featured_at is not None
    services.reject_showcase(showcase=showcase, by=moderator)
    showcase.refresh_from_db()
    assert showcase.state == ShowcaseState.REJECTED and showcase.featured_at is None
    with pytest.raises(Conflict):
        services.feature_showcase(showcase=showcase, by=moderator)


def test_flags_weighing_the_hide_threshold_take_it_out_of_the_gallery(member, settings):
    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 0.1
    showcase = share(UserFactory())
    services.flag_showcase(showcase=showcase, flagger=member, reason="spam")
    showcase.refresh_from_db()
    assert showcase.state == ShowcaseState.PENDING
