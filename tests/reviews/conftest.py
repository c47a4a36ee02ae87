import io
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from flywheel.commerce.models import (
    Customer,
    FinancialStatus,
    FulfillmentStatus,
    Order,
    OrderLine,
    Product,
    Store,
)

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FLYWHEEL_REVIEWS_BUYERS_ONLY = True
    settings.FLYWHEEL_REVIEWS_AUTO_PUBLISH = "verified"


@pytest.fixture
def store(db):
    return Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )


@pytest.fixture
def product(store):
    return Product.objects.create(store=store, external_id="p1", title="Hubba Hubba tent")


def buy(member, product, *, status=FinancialStatus.PAID, fulfilled_days_ago=None, email=""):
    number = next(_numbers)
    customer, _ = Customer.objects.get_or_create(
        store=product.store,
        external_id=f"c-{member.pk if member else email}",
        defaults={"member": member, "email": email or (member.email if member else "")},
    )
    order = Order.objects.create(
        store=product.store,
        external_id=f"o{number}",
        number=f"#{1000 + number}",
        customer=customer,
        email=customer.email,
        currency="USD",
        total=Decimal("100.00"),
        financial_status=status,
        fulfillment_status=(
            FulfillmentStatus.FULFILLED if fulfilled_days_ago is not None else "unfulfilled"
        ),
        placed_at=timezone.now() - timedelta(days=30),
        platform_updated_at=(
            timezone.now() - timedelta(days=fulfilled_days_ago)
            if fulfilled_days_ago is not None
            else None
        ),
    )
    OrderLine.objects.create(
        order=order, external_id=f"l{number}", product=product, title=product.title, quantity=1
    )
    return order


@pytest.fixture
def buyer(member, product):
    buy(member, product)
    return member


def png(name="photo.png", size=(64, 48), color="red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def level_zero(member) -> int:
    return 0


def level_three(member) -> int:
    return 3
