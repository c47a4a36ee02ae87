"""Demo reviews with photos for the demo's products, written through the services.

`flywheel demo` calls seed_demo_reviews() after the community is loaded. When no products
exist yet (the demo store may come from elsewhere), it connects a demo store and mirrors a
few products and paid, fulfilled orders through commerce.services, as webhooks would. Same
seed, same reviews; running it again creates nothing twice."""

import datetime as dt
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from flywheel.commerce import services as commerce
from flywheel.commerce.models import Product
from flywheel.reviews import services
from flywheel.reviews.models import Review

DEMO_STORE_DOMAIN = "northtrail-outfitters.myshopify.com"
PRODUCTS = [
    ("demo-tent", "Ridgeline 2 tent", Decimal("349.00")),
    ("demo-pack", "Switchback 45 L pack", Decimal("189.00")),
    ("demo-jacket", "Stormline rain jacket", Decimal("229.00")),
    ("demo-stove", "Ember canister stove", Decimal("59.00")),
]
REVIEWS = [
    (
        5,
        "Exactly what I hoped for",
        "Light, quick to set up, and it shrugged off a **windy** night.",
    ),
    (4, "Great, with one quirk", "Works very well. The zip sticks a little when it is cold."),
    (5, "Worth every cent", "Third season with it and still going strong."),
    (3, "Good, not perfect", "Does the job, but I expected a little more for the price."),
    (4, "Solid choice", "Comfortable and well made. Sizing runs slightly large."),
    (2, "Not for me", "Fine quality, but it did not suit how I use it. Returned the spare."),
]
PALETTE = ["#1f4d38", "#c9822b", "#3a6ea5", "#8a3b2e", "#6b7f3a", "#51485e"]
REVIEWERS = 24


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), rng.choice(PALETTE))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(0, 560), rng.randrange(0, 400)
        draw.ellipse((x, y, x + 80, y + 80), fill=rng.choice(PALETTE))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _demo_products(anchor: dt.datetime) -> list[Product]:
    existing = list(Product.objects.filter(deleted=False).order_by("pk")[: len(PRODUCTS)])
    if existing:
        return existing
    store, _created = commerce.connect_store(
        platform="shopify",
        domain=DEMO_STORE_DOMAIN,
        webhook_secret="demo-webhook-secret",  # noqa: S106 - a demo store, never reachable
        currency="USD",
    )
    products = []
    for external_id, title, price in PRODUCTS:
        products.append(
            commerce.upsert_product(
                store=store,
                data={
                    "external_id": external_id,
                    "title": title,
                    "handle": external_id,
                    "deleted": False,
                    "updated_at": anchor - dt.timedelta(days=120),
                    "variants": [
                        {
                            "external_id": f"{external_id}-v",
                            "title": title,
                            "sku": external_id,
                            "price": price,
                        }
                    ],
                },
            )
        )
    return products


def _buy(member, product: Product, *, number: int, anchor: dt.datetime) -> None:
    price = Decimal("100.00")
    placed = anchor - dt.timedelta(days=60 + number)
    commerce.upsert_order(
        store=product.store,
        data={
            "external_id": f"demo-review-order-{number}",
            "number": f"#D{number:04d}",
            "customer": {
                "external_id": f"demo-review-customer-{member.pk}",
                "email": member.email.lower(),
                "first_name": member.display_name.split(" ")[0] if member.display_name else "",
                "last_name": "",
                "phone": "",
                "addresses": [],
                "accepts_marketing": False,
                "updated_at": placed,
            },
            "email": member.email.lower(),
            "currency": product.store.currency,
            "subtotal": price,
            "discount": Decimal("0.00"),
            "tax": Decimal("0.00"),
            "total": price,
            "financial_status": "paid",
            "fulfillment_status": "fulfilled",
            "cancelled_at": None,
            "placed_at": placed,
            "updated_at": placed + dt.timedelta(days=3),
            "billing_address": {},
            "shipping_address": {},
            "lines": [
                {
                    "external_id": f"demo-review-line-{number}",
                    "product_external_id": product.external_id,
                    "variant_external_id": "",
                    "sku": "",
                    "title": product.title,
                    "quantity": 1,
                    "price": price,
                    "total": price,
                }
            ],
            "refunds": [],
        },
    )
    commerce.link_customers_for_member(member)


def seed_demo_reviews(*, seed: int, anchor: dt.datetime) -> int:
    """Reviews (a third with photos) from the first demo members for the demo's products."""
    rng = random.Random(seed)
    products = _demo_products(anchor)
    members = list(
        get_user_model().objects.filter(is_active=True, role="member").order_by("pk")[:REVIEWERS]
    )
    created = 0
    for index, member in enumerate(members):
        product = products[index % len(products)]
        rating, title, body = REVIEWS[rng.randrange(len(REVIEWS))]
        with_photos = index % 3 == 0
        photos = [_photo(rng, f"demo-{index}-{n}.jpg") for n in range(1 + index % 2)]
        if Review.objects.filter(author=member, product=product).exists():
            continue
        _buy(member, product, number=index + 1, anchor=anchor)
        services.write_review(
            product=product,
            author=member,
            rating=rating,
            title=title,
            body=body,
            photos=photos if with_photos else [],
            at=anchor - dt.timedelta(days=40 - index),
        )
        created += 1
    return created
