"""Demo data for the console's newer figures, through the analytics and community services.

- Members click a product link (the `/go/` redirect's service) a couple of days before some
  of their recent orders, and a few guests click too, so community-attributed revenue is
  not empty. The planned posts stay as planned (tests/demo pins them); links members write
  to the shop are rewritten the same way.
- Reads per topic for the last 30 days, more for topics with more replies.

Sentiment, themes and requests need no demo rows: the periodic rollup reads the planned
posts (in five languages). Idempotent: a second run finds its marker click and adds
nothing. Cheap: about fifteen writes and one upsert per topic and day of reads.
"""

import datetime as dt
import random

from flywheel.analytics import reads, services
from flywheel.analytics.models import ProductLinkClick, TopicReadDay
from flywheel.commerce.models import Order
from flywheel.community.models import Topic
from flywheel.demo.store import DOMAIN

SHOP = f"https://{DOMAIN}/products"
MARKER = f"{SHOP}/summit-gtx-boot"
READ_DAYS = 30


def seed_analytics(*, anchor: dt.datetime, progress) -> int:
    """Returns how many rows were created (0 when already seeded)."""
    if ProductLinkClick.objects.filter(url=MARKER).exists():
        return 0
    created = _clicks_before_orders(anchor=anchor) + _reads(anchor=anchor)
    progress(f"analytics demo rows {created}")
    return created


def _clicks_before_orders(*, anchor: dt.datetime) -> int:
    """Members click a product link two days before some of their recent orders."""
    recent = (
        Order.objects.counting()
        .filter(
            customer__member__isnull=False,
            placed_at__gte=anchor - dt.timedelta(days=60),
            placed_at__lte=anchor,
        )
        .select_related("customer__member")
        .order_by("placed_at", "pk")[:12]
    )
    created = 0
    for order in recent:
        services.record_product_link_click(
            url=MARKER,
            member=order.customer.member,
            rate_key="demo",
            at=order.placed_at - dt.timedelta(days=2),
        )
        created += 1
    # A few guests follow links too (counted as clicks, never attributed).
    for days in (1, 3, 5):
        services.record_product_link_click(
            url=MARKER, member=None, rate_key="demo-guest", at=anchor - dt.timedelta(days=days)
        )
        created += 1
    return created


def _reads(*, anchor: dt.datetime) -> int:
    if TopicReadDay.objects.exists():
        return 0
    rng = random.Random(10)
    counts = {}
    today = anchor.astimezone(dt.UTC).date()
    for topic_id, replies in Topic.objects.filter(deleted_at__isnull=True).values_list(
        "pk", "reply_count"
    ):
        for back in range(READ_DAYS):
            reads_that_day = rng.randint(0, 3 + replies)
            if reads_that_day:
                counts[(today - dt.timedelta(days=back), topic_id)] = reads_that_day
    reads.add_topic_reads(counts)
    return len(counts)
