import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from flywheel.commerce.models import Customer, FinancialStatus, Order, Store
from flywheel.ideas import services
from tests.factories import AdminFactory, UserFactory

# A frozen clock: every service takes `at`, and each test names its moments from here.
T0 = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _ideas_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Small milestones keep the tests fast; the windows are LEGO's.
    settings.FLYWHEEL_IDEAS_MILESTONES = "2:60,4:365,6:182,8:182"
    settings.FLYWHEEL_IDEAS_BUYER_WEIGHT = "1"
    settings.FLYWHEEL_IDEAS_REVIEW_PERIOD_MONTHS = 4
    settings.FLYWHEEL_RATE_LIMITS = {}


@pytest.fixture
def staff(db):
    return AdminFactory()


@pytest.fixture
def creator(db):
    return UserFactory()


@pytest.fixture
def idea(creator):
    return services.submit_idea(
        author=creator,
        title="A tent that packs into its own pole bag",
        description="One bag, nothing to lose on the trail.",
        at=T0,
    )


def supporters(count: int, **kwargs) -> list:
    return [UserFactory(**kwargs) for _ in range(count)]


def support_all(idea, members, *, at):
    for member in members:
        services.support_idea(idea=idea, member=member, at=at)
    idea.refresh_from_db()
    return idea


_store_numbers = iter(range(1, 100_000))


def make_buyer(**kwargs):
    """A member with a kept (paid) order: a verified buyer for commerce.queries."""
    member = UserFactory(**kwargs)
    store = Store.objects.first() or Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    number = next(_store_numbers)
    customer = Customer.objects.create(
        store=store, external_id=f"c{number}", member=member, email=member.email
    )
    Order.objects.create(
        store=store,
        external_id=f"o{number}",
        customer=customer,
        email=member.email,
        currency="USD",
        total=Decimal("80.00"),
        financial_status=FinancialStatus.PAID,
        placed_at=timezone.now() - timedelta(days=3),
    )
    return member


def png(name="sketch.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
