"""Reads about purchases shared by pages, permissions and tasks, and the webhook
endpoints' per-process cache of connected stores."""

import time
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save

from flywheel.commerce.models import Order, OrderLine, SpaceGate, Store


def qualifying_orders(member) -> QuerySet[Order]:
    """The member's orders that count as a purchase (Order.objects.counting())."""
    return Order.objects.counting().filter(customer__member=member)


def is_verified_buyer(member, product=None) -> bool:
    """Has the member bought (and kept) something, or this product?"""
    if member is None or not member.is_authenticated:
        return False
    if product is None:
        return qualifying_orders(member).exists()
    return qualifying_lines(member).filter(product=product).exists()


def qualifying_lines(member) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(
        order__in=qualifying_orders(member), quantity__gt=F("refunded_quantity")
    )


def with_verified_buyer_authors(posts: QuerySet) -> QuerySet:
    """hooks.post_list_prefetches: each post of a page gets `author_verified_buyer`, True when
    its author has a paid, unrefunded line of a product the topic is about: one of the products
    that open the topic's gated space (SpaceGate), or a product whose handle is one of the
    topic's tags. A subquery in the page's one SQL query, so it costs no query of its own."""
    from flywheel.community.models import Tag

    topic_tags = Tag.objects.filter(topics=OuterRef(OuterRef("topic_id"))).values("slug")
    bought = (
        OrderLine.objects.filter(
            order__in=Order.objects.counting(),
            order__customer__member=OuterRef("author_id"),
            quantity__gt=F("refunded_quantity"),
            product__isnull=False,
        )
        .filter(
            Q(product__space_gates__space=OuterRef("topic__space_id"))
            | Q(product__handle__in=topic_tags, product__handle__gt="")
        )
        .values("pk")
    )
    return posts.annotate(author_verified_buyer=Exists(bought))


def passes_purchase_gate(user, space) -> bool:
    """GATE_CHECKS entry: a gated space with a purchase gate opens to members with a
    qualifying order of one of its products (or any qualifying order)."""
    if not user.is_authenticated:
        return False
    gate = SpaceGate.objects.filter(space=space).only("pk", "any_order").first()
    if gate is None:
        return False
    if gate.any_order:
        return qualifying_orders(user).exists()
    return qualifying_lines(user).filter(product__space_gates=gate).exists()


def member_orders(member, *, limit: int = 20) -> list[Order]:
    """A member's most recent orders across stores, for the staff view of a profile."""
    return list(
        Order.objects.filter(customer__member=member)
        .select_related("store")
        .order_by("-placed_at", "-id")[:limit]
    )


def member_spend(member) -> list[dict]:
    """Lifetime spend per currency (never added across currencies): the totals of the
    orders that count, less their refunds."""
    rows = (
        qualifying_orders(member)
        .values("currency")
        .annotate(total=Sum("total"), refunded=Sum("refunded_total"))
        .order_by("currency")
    )
    return [
        {
            "currency": row["currency"],
            "total": ((row["total"] or Decimal("0")) - (row["refunded"] or Decimal("0"))).quantize(
                Decimal("0.01")
            ),
        }
        for row in rows
    ]


# --- Stores for the webhook endpoints ----------------------------------------------------
#
# Every delivery needs its shop's row (platform and webhook secret) before anything else,
# and a shop's row almost never changes: each process keeps the rows it has read. A row is
# used only while the shared version stamp (in the cache, Redis in production) is the one
# it was read under, and every save or delete of a store changes the stamp. The process
# that saves drops its rows at once; the others see the new stamp when they next read it,
# which they do at most FLYWHEEL_WEBHOOK_STORE_RECHECK_SECONDS apart (default 1 s; 0 reads
# it on every delivery): a rotated secret is refused everywhere within that time. The age
# limit is a backstop for writes that bypass the ORM's save (a queryset update, psql).

STORE_VERSION_KEY = "commerce:store-version"
STORE_CACHE_SECONDS = 300
STORE_CACHE_MAX_ENTRIES = 1000
DEFAULT_STORE_RECHECK_SECONDS = 1.0

_stores: dict[tuple[tuple[str, str], ...], tuple[str, float, Store]] = {}
# (stamp, when this process last read it from the shared cache)
_version_seen: tuple[str, float] = ("", float("-inf"))


def _store_version() -> str:
    global _version_seen
    now = time.monotonic()
    recheck = float(
        getattr(settings, "FLYWHEEL_WEBHOOK_STORE_RECHECK_SECONDS", DEFAULT_STORE_RECHECK_SECONDS)
    )
    version, read_at = _version_seen
    if now - read_at < recheck:
        return version
    version = cache.get(STORE_VERSION_KEY)
    if version is None:
        # A cleared or evicted stamp must not make older entries look current again.
        cache.add(STORE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(STORE_VERSION_KEY) or ""
    _version_seen = (version, now)
    return version


def find_store_for_webhook(lookup: dict[str, str] | None) -> Store | None:
    """The connected store a delivery names (by domain or platform store id), from this
    process's cache while it is current. Callers must treat the row as read-only."""
    if not lookup:
        return None
    key = tuple(sorted(lookup.items()))
    version = _store_version()
    entry = _stores.get(key)
    if entry is not None and entry[0] == version:
        if time.monotonic() - entry[1] < STORE_CACHE_SECONDS:
            return entry[2]
    if "platform_store_id" in lookup:
        store = Store.objects.filter(platform_store_id=lookup["platform_store_id"]).first()
    else:
        store = Store.objects.filter(Q(**lookup)).first()
    if store is not None:
        if len(_stores) >= STORE_CACHE_MAX_ENTRIES:
            _stores.clear()
        # Stamped with the version read before the query: a save that commits meanwhile
        # changes the stamp, so this entry is not used again.
        _stores[key] = (version, time.monotonic(), store)
    return store


def forget_cached_stores() -> None:
    """Make every process read stores again (after a store is saved or deleted): this one
    now, the others when they next read the stamp."""
    global _version_seen
    _stores.clear()
    _version_seen = ("", float("-inf"))
    cache.set(STORE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _store_changed(sender, **kwargs) -> None:
    # Now, for this process (the rest of this request sees the new row), and again after
    # commit: a process that read the old row before the commit stamped it with the
    # version of now, which the second change retires.
    forget_cached_stores()
    transaction.on_commit(forget_cached_stores, robust=True)


# The admin and services both save Store rows; a receiver catches every ORM save. This
# module is imported by CommerceConfig.ready(), so it is connected in every process.
post_save.connect(_store_changed, sender=Store, dispatch_uid="commerce-store-cache-save")
post_delete.connect(_store_changed, sender=Store, dispatch_uid="commerce-store-cache-delete")
