"""The demo's product reviews: verified buyers' reviews with photos for its store's products."""

import pytest
from django.core.management import call_command

from flywheel.reviews.models import Review, ReviewPhoto
from flywheel.trials.models import Application, ApplicationStatus
from tests.demo import DEMO

# The package's demo (conftest.py): the test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_has_verified_reviews_with_photos_for_its_stores_products():
    call_command("demo", **DEMO)

    reviews = Review.objects.select_related("product")
    assert reviews.count() >= 5
    # Product trial testers got the product free: their reviews are honest, not "verified".
    testers = set(
        Application.objects.filter(status=ApplicationStatus.SELECTED).values_list(
            "member_id", "trial__product_id"
        )
    )
    assert all(
        review.verified_buyer
        for review in reviews
        if (review.author_id, review.product_id) not in testers
    )
    assert ReviewPhoto.objects.exists()
    assert {review.product.store.domain for review in reviews} == {
        "northtrail-outfitters.myshopify.com"
    }
