from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.commerce.models import Product, Store
from flywheel.rewards.models import PointsAccount, Tier
from flywheel.trials import services
from flywheel.trust.models import MemberTrust
from tests.factories import ModeratorFactory, UserFactory


@pytest.fixture
def staff(db):
    return ModeratorFactory(handle="product_lead")


@pytest.fixture
def product(db):
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    return Product.objects.create(store=store, external_id="p1", title="Trailblazer 2 tent")


@pytest.fixture
def gold(db):
    return Tier.objects.create(name="Gold", slug="gold", rank=2, min_points=1000)


def member_at(*, level: int = 0, tier=None, **fields):
    member = UserFactory(**fields)
    if level:
        MemberTrust.objects.create(member=member, level=level)
    if tier is not None:
        PointsAccount.objects.create(member=member, tier=tier)
    return member


def make_trial(*, by, product, places: int = 3, **fields):
    now = timezone.now()
    values = {
        "title": "Test the Trailblazer 2",
        "places": places,
        "question": "Where would you pitch it first?",
        "apply_by": now + timedelta(days=7),
        "feedback_due": now + timedelta(days=30),
        "description": "Two-person tent, **1.4 kg**.",
    }
    values.update(fields)
    return services.open_trial(by=by, product=product, **values)


@pytest.fixture
def trial(staff, product):
    return make_trial(by=staff, product=product)


def applicants(trial, count: int, **fields):
    return [
        services.apply_to_trial(trial=trial, member=UserFactory(**fields), answer="The Alps")
        for _ in range(count)
    ]
