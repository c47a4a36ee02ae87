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
from django.db.models import F
from PIL import Image, ImageDraw

from flywheel.commerce import services as commerce
from flywheel.commerce.models import Order, OrderLine, Product, Store
from flywheel.reviews import services
from flywheel.reviews.models import Review

# Used only when the demo has no store of its own (flywheel.demo.store makes one today).
DEMO_STORE_DOMAIN_OWN = "reviews-demo.northtrail.example"
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
    named = _products_named_by_orders(anchor)
    if named:
        return named
    store, _created = commerce.connect_store(
        platform="shopify",
        domain=DEMO_STORE_DOMAIN_OWN,
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


def _products_named_by_orders(anchor: dt.datetime) -> list[Product]:
    """The demo store's orders name products the store never sent: mirror them (as its
    products webhook would), which links the order lines to them."""
    rows = (
        OrderLine.objects.filter(product__isnull=True)
        .exclude(product_external_id="")
        .values_list("order__store", "product_external_id", "title")
        .order_by("order__store", "product_external_id")
        .distinct()
    )
    seen, products = set(), []
    for store_id, external_id, title in rows:
        if (store_id, external_id) in seen:
            continue
        seen.add((store_id, external_id))
        store = Store.objects.get(pk=store_id)
        products.append(
            commerce.upsert_product(
                store=store,
                data={
                    "external_id": external_id,
                    "title": title,
                    "handle": external_id,
                    "deleted": False,
                    "updated_at": anchor - dt.timedelta(days=400),
                    "variants": [],
                },
            )
        )
    return products[: len(PRODUCTS)]


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


def _existing_buyers(products: list[Product]) -> list[tuple]:
    """(member, product) pairs from the demo store's own paid orders, in a fixed order."""
    user_model = get_user_model()
    pairs = []
    for product in products:
        member_ids = (
            OrderLine.objects.filter(
                order__in=Order.objects.counting(),
                product=product,
                order__customer__member__isnull=False,
                quantity__gt=F("refunded_quantity"),
            )
            .values_list("order__customer__member", flat=True)
            .distinct()
            .order_by("order__customer__member")
        )
        members = user_model.objects.filter(pk__in=list(member_ids), is_active=True)
        pairs.extend((member, product) for member in members.order_by("pk")[:8])
    return pairs[:REVIEWERS]


def seed_demo_reviews(*, seed: int, anchor: dt.datetime) -> int:
    """Reviews (a third with photos) for the demo's products: from the members who bought them
    in the demo store when there is one, else from the first members after mirrored orders."""
    rng = random.Random(seed)
    products = _demo_products(anchor)
    had_products = products[0].store.domain != DEMO_STORE_DOMAIN_OWN
    if had_products:
        pairs = _existing_buyers(products)
    else:
        members = list(
            get_user_model()
            .objects.filter(is_active=True, role="member")
            .order_by("pk")[:REVIEWERS]
        )
        pairs = [(member, products[i % len(products)]) for i, member in enumerate(members)]
    # The jacket-like product asks how it fits (fit questions per product type).
    fit = services.define_fit_question(
        product_type="Apparel",
        prompt="How does it fit?",
        choices=["Runs small", "True to size", "Runs large"],
        products=[products[min(2, len(products) - 1)]],
    )
    created = 0
    for index, (member, product) in enumerate(pairs):
        rating, title, body = REVIEWS[rng.randrange(len(REVIEWS))]
        with_photos = index % 3 == 0
        photos = [_photo(rng, f"demo-{index}-{n}.jpg") for n in range(1 + index % 2)]
        if Review.objects.filter(author=member, product=product).exists():
            continue
        if not had_products:
            _buy(member, product, number=index + 1, anchor=anchor)
        services.write_review(
            product=product,
            author=member,
            rating=rating,
            title=title,
            body=body,
            photos=photos if with_photos else [],
            fit_answers={fit.pk: fit.choices[(index // 2) % 3 if index % 4 else 1]}
            if product.pk == products[min(2, len(products) - 1)].pk
            else None,
            at=anchor - dt.timedelta(days=40 - index),
        )
        created += 1
    return created
