"""The demo's connected store: a year of Northtrail orders for about half the members.

Orders, refunds and cancellations are written through `commerce.services.upsert_order`, as
the store's webhooks would write them, so customers are linked to members by their verified
e-mail and the order activities, points and analytics follow as in real life. External ids
are derived from the plan, so a second run updates nothing and creates nothing.
"""

import datetime as dt
import random
import secrets
from decimal import Decimal

from flywheel.commerce import services as commerce
from flywheel.commerce.models import Order, Store
from flywheel.demo.plan import Plan

DOMAIN = "northtrail-outfitters.myshopify.com"
CURRENCY = "EUR"
YEAR_S = 365 * 24 * 3600
GUEST_CUSTOMERS = 40
PRODUCTS = [
    ("tent-2p", "Ridgeline 2P tent", Decimal("329.00")),
    ("pack-45", "Alpine 45 L pack", Decimal("189.00")),
    ("jacket-summit", "Summit Series jacket", Decimal("279.00")),
    ("stove", "Fjell liquid-fuel stove", Decimal("149.00")),
    ("socks", "Merino hiking socks", Decimal("24.00")),
    ("headlamp", "Lumen 400 headlamp", Decimal("49.00")),
    ("poles", "Carbon trekking poles", Decimal("119.00")),
]


def _order_data(number: int, *, email: str, name: str, placed: dt.datetime, rng: random.Random):
    lines, total = [], Decimal("0.00")
    for index, (sku, title, price) in enumerate(rng.sample(PRODUCTS, rng.randint(1, 3))):
        quantity = 2 if sku == "socks" else 1
        lines.append(
            {
                "external_id": f"demo-{number}-{index}",
                "product_external_id": sku,
                "variant_external_id": f"{sku}-v",
                "sku": sku,
                "title": title,
                "quantity": quantity,
                "price": price,
                "total": price * quantity,
            }
        )
        total += price * quantity
    fate = rng.random()
    refunds, cancelled, status = [], None, "paid"
    if fate < 0.05:
        cancelled, status = placed + dt.timedelta(hours=3), "voided"
    elif fate < 0.09:
        refunds = [(total, placed + dt.timedelta(days=12))]
    elif fate < 0.17:
        refunds = [(lines[0]["total"], placed + dt.timedelta(days=9))]
    first, _space, last = name.partition(" ")
    return {
        "external_id": f"demo-{number}",
        "number": str(1000 + number),
        "customer": {
            "external_id": f"demo-customer-{email}",
            "email": email,
            "first_name": first,
            "last_name": last,
            "phone": "",
            "addresses": [],
            "accepts_marketing": rng.random() < 0.6,
            "updated_at": None,
        },
        "email": email,
        "currency": CURRENCY,
        "subtotal": total,
        "discount": Decimal("0.00"),
        "tax": Decimal("0.00"),
        "total": total,
        "financial_status": status,
        "fulfillment_status": "fulfilled" if not cancelled else "unfulfilled",
        "cancelled_at": cancelled,
        "placed_at": placed,
        "updated_at": placed + dt.timedelta(days=14),
        "billing_address": {},
        "shipping_address": {},
        "lines": lines,
        "refunds": [
            {
                "external_id": f"demo-{number}-refund",
                "order_external_id": f"demo-{number}",
                "amount": amount,
                "currency": CURRENCY,
                "lines": [],
                "note": "Returned (demo)",
                "refunded_at": refunded_at,
            }
            for amount, refunded_at in refunds
        ],
    }


def planned_orders(plan: Plan, *, anchor: dt.datetime) -> list[dict]:
    """Every demo order, in a fixed order: the same plan gives the same orders."""
    # Seeded from the plan itself (random.Random hashes a string with SHA-512: stable).
    rng = random.Random("store:" + ",".join(member.email for member in plan.members))
    buyers = [
        (member.email, member.display_name, member.joined_s)
        for member in plan.members
        if not member.is_brand_team and rng.random() < 0.5
    ]
    buyers += [
        (f"guest{n}@shoppers.example", f"Guest Shopper{n}", None) for n in range(GUEST_CUSTOMERS)
    ]
    orders = []
    for email, name, joined_s in buyers:
        # A third of the buying members were customers before they joined.
        start_s = YEAR_S
        if joined_s is not None and rng.random() > 0.33:
            start_s = min(YEAR_S, joined_s)
        for _order in range(rng.choice([1, 1, 2, 2, 3, 4, 6])):
            seconds_before = rng.randint(3600, max(start_s, 7200))
            placed = (anchor - dt.timedelta(seconds=seconds_before)).replace(microsecond=0)
            orders.append(_order_data(len(orders), email=email, name=name, placed=placed, rng=rng))
    return orders


def seed_store(plan: Plan, *, anchor: dt.datetime, progress) -> int:
    """Connect the demo store and write its orders; returns how many orders were new."""
    store = Store.objects.filter(domain=DOMAIN).first()
    if store is None:
        store, _created = commerce.connect_store(
            platform="shopify",
            domain=DOMAIN,
            # Nobody sends the demo store webhooks; a random secret keeps forged ones out.
            webhook_secret=secrets.token_urlsafe(32),
            currency=CURRENCY,
        )
    orders = planned_orders(plan, anchor=anchor)
    existing = set(Order.objects.filter(store=store).values_list("external_id", flat=True))
    created = 0
    for index, data in enumerate(orders):
        if data["external_id"] in existing:
            continue
        commerce.upsert_order(store=store, data=data)
        created += 1
        if index % 100 == 0:
            progress(f"store orders {index}/{len(orders)}")
    progress(f"store orders {len(orders)}/{len(orders)}")
    return created
