"""Every write to the store mirror, named for the business action.

Upserts take the normalised shape (commerce/normalized.py) and are idempotent: the same
data applied twice leaves the same rows, and data older than what is stored (by the
platform's `updated_at`) changes nothing. Webhook processing, the REST back-fill and the
CSV import all go through these functions.

The upserts open no savepoint of their own (they are the hot path of webhook processing):
an error inside one rolls back the caller's whole transaction. Call each in its own
transaction when one bad record must not undo the others.
"""

import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from flywheel.commerce.models import (
    ZERO,
    Customer,
    DeliveryStatus,
    FinancialStatus,
    FulfillmentStatus,
    Order,
    OrderLine,
    Platform,
    PrivacyRequest,
    PrivacyRequestKind,
    Product,
    ProductVariant,
    Refund,
    Store,
    WebhookDelivery,
)
from flywheel.commerce.normalized import (
    NormalizedCustomer,
    NormalizedOrder,
    NormalizedProduct,
    NormalizedRefund,
)
from flywheel.core.exceptions import InvalidInput
from flywheel.core.models import Activity, Verb
from flywheel.core.services import record_activity

logger = logging.getLogger("flywheel.commerce")


@dataclass
class _InboxBatchState:
    """Set while process_inbox_batch applies several deliveries in one transaction.

    It remembers which products and variants exist (by store and external id), so that
    orders for the same products look them up once per batch; any product write in the
    batch forgets them."""

    products: dict[tuple[int, str], int | None] = field(default_factory=dict)
    variants: dict[tuple[int, str], int | None] = field(default_factory=dict)

    def forget_products(self) -> None:
        self.products.clear()
        self.variants.clear()


_inbox_batch: ContextVar[_InboxBatchState | None] = ContextVar("commerce_inbox_batch", default=None)


def _lock_or_create(
    model: type[models.Model], *, lookup: dict[str, Any], defaults: dict[str, Any] | None = None
) -> tuple[Any, bool]:
    """The row for `lookup`, locked for this transaction; created (with `defaults`) when
    missing.

    Two workers racing to create the same row: the loser's insert hits the unique
    constraint inside a savepoint and it then locks the winner's row instead."""
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is not None:
        return row, False
    if _inbox_batch.get() is not None:
        # A batch of deliveries runs in one transaction without savepoints: a racing
        # insert fails the batch, and each delivery is then applied on its own (tasks.py).
        return model.objects.create(**lookup, **(defaults or {})), True
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, **(defaults or {})), True
    except IntegrityError:
        return model.objects.select_for_update().get(**lookup), False


def _is_stale(stored: datetime | None, incoming: datetime | None) -> bool:
    return stored is not None and incoming is not None and incoming < stored


def _save(row: models.Model, values: dict[str, Any]) -> None:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        if any(field.name == "updated_at" for field in row._meta.fields):
            changed.append("updated_at")
        row.save(update_fields=changed)


# --- Customers -------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def upsert_customer(*, store: Store, data: NormalizedCustomer) -> Customer:
    """Create or update a store customer, then link them to the member who verified the
    same e-mail address. A redacted customer keeps no personal data from older payloads."""
    incoming = data.get("updated_at")
    values: dict[str, Any] = {
        "email": (data.get("email") or "").strip().lower(),
        "first_name": data.get("first_name") or "",
        "last_name": data.get("last_name") or "",
        "phone": data.get("phone") or "",
        "addresses": data.get("addresses") or [],
        "accepts_marketing": bool(data.get("accepts_marketing")),
    }
    if data.get("deleted"):
        values["deleted_at"] = timezone.now()
    customer, created = _lock_or_create(
        Customer,
        lookup={"store": store, "external_id": str(data["external_id"])},
        defaults={**values, "platform_updated_at": incoming},
    )
    if not created:
        if _is_stale(customer.platform_updated_at, incoming):
            return customer
        if customer.redacted_at is not None and (
            incoming is None or incoming <= customer.redacted_at
        ):
            return customer
        values["platform_updated_at"] = incoming or customer.platform_updated_at
        if data.get("deleted"):
            values["deleted_at"] = customer.deleted_at or values["deleted_at"]
        _save(customer, values)
    if customer.member_id is None and customer.email and customer.redacted_at is None:
        _link_customer_by_email(customer)
    return customer


@transaction.atomic(savepoint=False)
def mark_customer_deleted(*, store: Store, external_id: str) -> Customer:
    """The platform deleted the customer; orders keep pointing at the row."""
    customer, _created = _lock_or_create(
        Customer, lookup={"store": store, "external_id": str(external_id)}
    )
    if customer.deleted_at is None:
        customer.deleted_at = timezone.now()
        customer.save(update_fields=["deleted_at", "updated_at"])
    return customer


# --- Orders ----------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def upsert_order(*, store: Store, data: NormalizedOrder) -> Order:
    """Create or update an order with its lines; an older update never overwrites a newer
    one. Refunds that arrived before the order are attached to it here."""
    customer = None
    if data.get("customer"):
        customer = upsert_customer(store=store, data=data["customer"])
    redacted = _redacted(customer)
    incoming = data.get("updated_at")
    values = {
        "number": str(data.get("number") or ""),
        "customer": customer,
        "email": "" if redacted else (data.get("email") or "").lower(),
        "currency": (data.get("currency") or store.currency).upper(),
        "subtotal": data.get("subtotal") or ZERO,
        "discount": data.get("discount") or ZERO,
        "tax": data.get("tax") or ZERO,
        "total": data.get("total") or ZERO,
        "financial_status": data.get("financial_status") or FinancialStatus.UNKNOWN,
        "fulfillment_status": data.get("fulfillment_status") or FulfillmentStatus.UNFULFILLED,
        "cancelled_at": data.get("cancelled_at"),
        "test": bool(data.get("test")),
        "placed_at": data.get("placed_at"),
        "platform_updated_at": incoming,
        "billing_address": {} if redacted else data.get("billing_address", {}),
        "shipping_address": {} if redacted else data.get("shipping_address", {}),
    }
    order, created = _lock_or_create(
        Order,
        lookup={"store": store, "external_id": str(data["external_id"])},
        defaults=values,
    )
    lines = None
    counted_before = not created and order.counts_as_purchase
    if created:
        lines = _replace_lines(order, data.get("lines") or [], existing={})
    elif not _is_stale(order.platform_updated_at, incoming):
        values["customer"] = customer or order.customer
        values["placed_at"] = values["placed_at"] or order.placed_at
        values["platform_updated_at"] = incoming or order.platform_updated_at
        if not data.get("fulfillment_status"):
            values["fulfillment_status"] = order.fulfillment_status
        _save(order, values)
        lines = _replace_lines(order, data.get("lines") or [])
    for refund in data.get("refunds") or []:
        _store_refund(store=store, data=refund)
    attached = Refund.objects.filter(
        store=store, order_external_id=order.external_id, order__isnull=True
    ).update(order=order)
    if attached or data.get("refunds") or order.refunded_total:
        _recompute_refunds(order, lines=lines)
    # An order seen unpaid that is paid now began to count with this update, not when placed
    # (its points' refund window starts at payment).
    changed_at = None if created or counted_before else (incoming or timezone.now())
    _record_order_activities(order, changed_at=changed_at)
    return order


def _redacted(customer: Customer | None) -> bool:
    return customer is not None and customer.redacted_at is not None


def _replace_lines(
    order: Order, lines: list, *, existing: dict[str, OrderLine] | None = None
) -> list[OrderLine]:
    """Make the order's lines match `lines`; returns them (saves a re-read)."""
    if existing is None:
        existing = {line.external_id: line for line in order.lines.all()}
    product_ids = {line["product_external_id"] for line in lines if line["product_external_id"]}
    variant_ids = {line["variant_external_id"] for line in lines if line["variant_external_id"]}
    products = _existing_ids(
        Product.objects.filter(store_id=order.store_id),
        store_id=order.store_id,
        external_ids=product_ids,
        known="products",
    )
    variants = _existing_ids(
        ProductVariant.objects.filter(product__store_id=order.store_id),
        store_id=order.store_id,
        external_ids=variant_ids,
        known="variants",
    )
    seen = set()
    new_lines = []
    result = []
    for data in lines:
        external_id = str(data["external_id"])
        seen.add(external_id)
        values = {
            "product_id": products.get(data["product_external_id"]),
            "variant_id": variants.get(data["variant_external_id"]),
            "product_external_id": data["product_external_id"],
            "variant_external_id": data["variant_external_id"],
            "sku": data.get("sku") or "",
            "title": (data.get("title") or "")[:500],
            "quantity": max(int(data.get("quantity") or 0), 0),
            "price": data.get("price") or ZERO,
            "total": data.get("total") or ZERO,
        }
        line = existing.get(external_id)
        if line is None:
            line = OrderLine(order=order, external_id=external_id, **values)
            new_lines.append(line)
        else:
            _save(line, values)
        result.append(line)
    if new_lines:
        OrderLine.objects.bulk_create(new_lines)
    stale = [external_id for external_id in existing if external_id not in seen]
    if stale:
        order.lines.filter(external_id__in=stale).delete()
    return result


def _existing_ids(
    rows: models.QuerySet, *, store_id: int, external_ids: set[str], known: str
) -> dict[str, int]:
    """{external id: pk} of the rows that exist; within an inbox batch, each external id
    is looked up once per batch."""
    if not external_ids:
        return {}
    state = _inbox_batch.get()
    if state is None:
        return dict(rows.filter(external_id__in=external_ids).values_list("external_id", "pk"))
    memo = getattr(state, known)
    missing = [external_id for external_id in external_ids if (store_id, external_id) not in memo]
    if missing:
        found = dict(rows.filter(external_id__in=missing).values_list("external_id", "pk"))
        for external_id in missing:
            memo[(store_id, external_id)] = found.get(external_id)
    return {
        external_id: memo[(store_id, external_id)]
        for external_id in external_ids
        if memo[(store_id, external_id)] is not None
    }


# --- Refunds ---------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def record_refund(*, store: Store, data: NormalizedRefund) -> Refund:
    """Record a refund once (refunds do not change after the fact). A refund for an order
    we have not seen yet is kept and attached when the order arrives."""
    refund = _store_refund(store=store, data=data)
    if refund.order_id is not None:
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        _recompute_refunds(order)
        _record_order_activities(order)
    return refund


def _store_refund(*, store: Store, data: NormalizedRefund) -> Refund:
    order_external_id = str(data["order_external_id"])
    order = Order.objects.filter(store=store, external_id=order_external_id).first()
    refund, created = _lock_or_create(
        Refund,
        lookup={"store": store, "external_id": str(data["external_id"])},
    )
    if created:
        refund.order = order
        refund.order_external_id = order_external_id
        refund.amount = data.get("amount") or ZERO
        refund.currency = (data.get("currency") or "").upper()
        refund.lines = [
            {
                "line_external_id": str(line["line_external_id"]),
                "quantity": int(line.get("quantity") or 0),
                "amount": str(line.get("amount") or ZERO),
            }
            for line in data.get("lines") or []
        ]
        refund.note = data.get("note") or ""
        refund.refunded_at = data.get("refunded_at")
        refund.save()
    elif refund.order_id is None and order is not None:
        refund.order = order
        refund.save(update_fields=["order"])
    return refund


def _recompute_refunds(order: Order, *, lines: list[OrderLine] | None = None) -> None:
    """Refund totals and refunded quantities are derived from the Refund rows, so they come
    out the same whatever order the order and refund deliveries arrived in."""
    refunded_total = ZERO
    quantities: dict[str, int] = defaultdict(int)
    for refund in order.refunds.all():
        refunded_total += refund.amount
        for line in refund.lines:
            quantities[line["line_external_id"]] += int(line["quantity"])
    values: dict[str, Any] = {"refunded_total": refunded_total}
    if order.total > ZERO and refunded_total >= order.total:
        values["financial_status"] = FinancialStatus.REFUNDED
    elif refunded_total > ZERO and order.financial_status == FinancialStatus.PAID:
        values["financial_status"] = FinancialStatus.PARTIALLY_REFUNDED
    _save(order, values)
    for line in order.lines.all() if lines is None else lines:
        refunded = min(quantities.get(line.external_id, 0), line.quantity)
        if line.refunded_quantity != refunded:
            line.refunded_quantity = refunded
            line.save(update_fields=["refunded_quantity"])


# --- Products --------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def upsert_product(*, store: Store, data: NormalizedProduct) -> Product:
    """Create or update a product and its variants; order lines that named the product
    before it arrived are connected to it."""
    if (state := _inbox_batch.get()) is not None:
        state.forget_products()
    product, created = _lock_or_create(
        Product, lookup={"store": store, "external_id": str(data["external_id"])}
    )
    incoming = data.get("updated_at")
    if not created and _is_stale(product.platform_updated_at, incoming):
        return product
    if data.get("deleted"):
        _save(product, {"deleted": True})
        return product
    _save(
        product,
        {
            "title": (data.get("title") or "")[:500],
            "handle": (data.get("handle") or "")[:500],
            "deleted": False,
            "platform_updated_at": incoming or product.platform_updated_at,
        },
    )
    existing = {variant.external_id: variant for variant in product.variants.all()}
    seen = set()
    for variant_data in data.get("variants") or []:
        external_id = str(variant_data["external_id"])
        seen.add(external_id)
        values = {
            "title": (variant_data.get("title") or "")[:500],
            "sku": variant_data.get("sku") or "",
            "price": variant_data.get("price") or ZERO,
            "deleted": False,
        }
        variant = existing.get(external_id)
        if variant is None:
            variant = ProductVariant.objects.create(
                product=product, external_id=external_id, **values
            )
            existing[external_id] = variant
        else:
            _save(variant, values)
    gone = [v.pk for key, v in existing.items() if key not in seen and not v.deleted]
    if gone:
        ProductVariant.objects.filter(pk__in=gone).update(deleted=True)
    OrderLine.objects.filter(
        order__store=store, product_external_id=product.external_id, product__isnull=True
    ).update(product=product)
    for external_id, variant in existing.items():
        OrderLine.objects.filter(
            order__store=store, variant_external_id=external_id, variant__isnull=True
        ).update(variant=variant)
    return product


@transaction.atomic(savepoint=False)
def mark_product_deleted(*, store: Store, external_id: str) -> Product:
    if (state := _inbox_batch.get()) is not None:
        state.forget_products()
    product, _created = _lock_or_create(
        Product, lookup={"store": store, "external_id": str(external_id)}
    )
    _save(product, {"deleted": True})
    return product


# --- Linking customers to members ------------------------------------------------------


def _link_customer_by_email(customer: Customer) -> None:
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=customer.email, verified=True)
        .select_related("user")
        .first()
    )
    if address is not None and address.user.is_active:
        _link(customer, address.user)


def _link(customer: Customer, member) -> None:
    customer.member = member
    customer.save(update_fields=["member", "updated_at"])
    for order in customer.orders.all():
        order.customer = customer
        _record_order_activities(order)


def link_customers_for_member(member) -> int:
    """Link every store customer whose e-mail matches one of the member's verified
    addresses (called when a member confirms an address). Returns how many were linked."""
    from allauth.account.models import EmailAddress

    emails = [
        email.lower()
        for email in EmailAddress.objects.filter(user=member, verified=True).values_list(
            "email", flat=True
        )
    ]
    if not emails or not member.is_active:
        return 0
    linked = 0
    with transaction.atomic():
        for customer in Customer.objects.select_for_update().filter(
            email__in=emails, member__isnull=True, redacted_at__isnull=True
        ):
            _link(customer, member)
            linked += 1
    return linked


@transaction.atomic
def link_customer_to_member(*, customer: Customer, member, by) -> Customer:
    """Staff link a store customer to a member explicitly (e.g. a different e-mail)."""
    if not (by.is_superuser or getattr(by, "is_community_admin", False) or by.is_staff):
        raise InvalidInput(
            gettext("Only staff can link store customers to members."), field="member"
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.redacted_at is not None:
        raise InvalidInput(gettext("This customer's data was erased."), field="customer")
    _link(customer, member)
    logger.info("customer %s linked to member %s by %s", customer.pk, member.pk, by.pk)
    return customer


ORDER_PLACED_KEY = "commerce:order_placed:{order_id}"
ORDER_STOPPED_KEY = "commerce:order_stopped:{order_id}"


def _record_order_activities(order: Order, *, changed_at: datetime | None = None) -> None:
    """Tell the Activity log, for a linked member, when the order begins and stops counting
    as a purchase (Order.objects.counting()), each once:

    - `order_placed` when it first counts (paid): at its placing time, or at `changed_at`
      when an update turned an order we had seen unpaid into a paid one;
    - `order_cancelled` when an order that counted is cancelled, `order_voided` when it
      stops counting otherwise (payment voided or failed, refunded in full, marked as a
      test order); the payload's `financial_status` says which;
    - `order_refunded` once per refund of an order that counted.

    An order that never counted (pending, then voided) leaves nothing in the log, and
    one that counts again after it stopped is not told again (rare; staff adjust points).
    """
    customer = order.customer
    if customer is None or customer.member_id is None:
        return
    placed_key = ORDER_PLACED_KEY.format(order_id=order.pk)
    if order.counts_as_purchase:
        counted = True
    else:
        counted = Activity.objects.filter(dedupe_key=placed_key).exists()
        if not counted:
            return
    store = Store.objects.only("domain").get(pk=order.store_id)
    payload = {
        "order_id": order.pk,
        "external_id": order.external_id,
        "number": order.number,
        "total": str(order.total),
        "currency": order.currency,
        "store": store.domain,
    }
    if order.counts_as_purchase:
        record_activity(
            actor=customer.member,
            verb=Verb.ORDER_PLACED,
            target=order,
            payload=payload,
            dedupe_key=placed_key,
            at=changed_at or order.placed_at,
        )
    else:
        record_activity(
            actor=customer.member,
            verb=Verb.ORDER_CANCELLED if order.cancelled_at else Verb.ORDER_VOIDED,
            target=order,
            payload={**payload, "financial_status": order.financial_status},
            dedupe_key=ORDER_STOPPED_KEY.format(order_id=order.pk),
            at=order.cancelled_at or order.platform_updated_at or timezone.now(),
        )
    for refund in order.refunds.all():
        record_activity(
            actor=customer.member,
            verb=Verb.ORDER_REFUNDED,
            target=order,
            payload={
                **payload,
                "refund_id": refund.pk,
                "amount": str(refund.amount),
            },
            dedupe_key=f"commerce:order_refunded:{refund.pk}",
            at=refund.refunded_at,
        )


# --- Privacy ---------------------------------------------------------------------------


def _erase_customer(customer: Customer, *, at: datetime) -> None:
    if customer.external_id.startswith("guest:"):
        # A guest's key is their e-mail address: it goes too.
        customer.external_id = f"guest:erased:{customer.pk}"
    customer.email = ""
    customer.first_name = ""
    customer.last_name = ""
    customer.phone = ""
    customer.addresses = []
    customer.member = None
    customer.redacted_at = at
    customer.save(
        update_fields=[
            "external_id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "addresses",
            "member",
            "redacted_at",
            "updated_at",
        ]
    )


def _erase_orders(orders: models.QuerySet[Order]) -> int:
    return orders.update(email="", billing_address={}, shipping_address={})


@transaction.atomic
def redact_customer(
    *,
    store: Store,
    customer_external_id: str,
    order_external_ids: list[str] | None = None,
    email: str = "",
    delivery: WebhookDelivery | None = None,
) -> PrivacyRequest:
    """Erase a customer's personal data (e-mail, names, phone, addresses, member link);
    their orders keep anonymous totals. Guest checkouts under the same e-mail go too.

    A customer linked to a member is that member asking to be forgotten: their community
    account is erased by the same path as account deletion (privacy.services.erase_member),
    in this transaction, so a failure retries the whole delivery."""
    now = timezone.now()
    keys = [str(customer_external_id)]
    if email:
        keys.append("guest:" + email.strip().lower())
    member_ids = []
    for customer in Customer.objects.select_for_update().filter(store=store, external_id__in=keys):
        if customer.member_id is not None:
            member_ids.append(customer.member_id)
        _erase_customer(customer, at=now)
        _erase_orders(Order.objects.filter(customer=customer))
    if order_external_ids:
        _erase_orders(
            Order.objects.filter(store=store, external_id__in=[str(i) for i in order_external_ids])
        )
    redact_stored_deliveries(store=store, customer_external_ids=keys, email=email)
    _erase_linked_members(member_ids)
    return PrivacyRequest.objects.create(
        store=store,
        kind=PrivacyRequestKind.CUSTOMER_REDACT,
        delivery=delivery,
        customer_external_id=str(customer_external_id),
        completed_at=now,
    )


STORE_REDACT_REASON = "store redact request"


def _erase_linked_members(member_ids: list[int]) -> None:
    """Erase the community accounts of members whose store customer was redacted."""
    from django.contrib.auth import get_user_model

    from flywheel.privacy.services import erase_member

    members = get_user_model().objects.filter(pk__in=set(member_ids)).order_by("pk")
    for member in members:
        erase_member(member, content="anonymise", reason=STORE_REDACT_REASON)


@transaction.atomic
def redact_member_customers(*, member) -> int:
    """Account erasure (the privacy registry's "commerce" eraser): every store customer linked
    to the member loses their personal data and the link; their orders keep anonymous totals,
    lines and refunds. Idempotent (a redacted customer is no longer linked). Returns how many
    customers were redacted."""
    now = timezone.now()
    customers = list(
        Customer.objects.select_for_update(of=("self",))
        .select_related("store")
        .filter(member=member)
        .order_by("pk")
    )
    for customer in customers:
        # Read before _erase_customer blanks the e-mail (and a guest's external id).
        keys, email = [customer.external_id], customer.email
        if email:
            keys.append("guest:" + email)
        _erase_customer(customer, at=now)
        _erase_orders(Order.objects.filter(customer=customer))
        redact_stored_deliveries(store=customer.store, customer_external_ids=keys, email=email)
    return len(customers)


@transaction.atomic
def redact_store(*, store: Store, delivery: WebhookDelivery | None = None) -> PrivacyRequest:
    """Erase the personal data of every customer of the store (Shopify's shop/redact)."""
    now = timezone.now()
    for customer in Customer.objects.select_for_update().filter(store=store):
        _erase_customer(customer, at=now)
    _erase_orders(Order.objects.filter(store=store))
    _blank_deliveries(WebhookDelivery.objects.filter(store=store), at=now)
    PrivacyRequest.objects.filter(store=store).exclude(export={}).update(export={})
    return PrivacyRequest.objects.create(
        store=store, kind=PrivacyRequestKind.SHOP_REDACT, delivery=delivery, completed_at=now
    )


def export_customer_data(*, store: Store, customer_external_id: str, email: str = "") -> dict:
    """Everything we hold about one store customer, as JSON-ready data."""
    customers = Customer.objects.filter(store=store, external_id=str(customer_external_id))
    if email:
        customers = customers | Customer.objects.filter(store=store, email=email.lower())
    result: dict[str, Any] = {"store": store.domain, "customers": [], "orders": []}
    for customer in customers.distinct():
        result["customers"].append(
            {
                "external_id": customer.external_id,
                "email": customer.email,
                "first_name": customer.first_name,
                "last_name": customer.last_name,
                "phone": customer.phone,
                "addresses": customer.addresses,
                "accepts_marketing": customer.accepts_marketing,
                "linked_member": customer.member.handle if customer.member else None,
            }
        )
        for order in customer.orders.prefetch_related("lines"):
            result["orders"].append(
                {
                    "external_id": order.external_id,
                    "number": order.number,
                    "email": order.email,
                    "currency": order.currency,
                    "total": str(order.total),
                    "refunded": str(order.refunded_total),
                    "financial_status": order.financial_status,
                    "placed_at": order.placed_at.isoformat() if order.placed_at else None,
                    "billing_address": order.billing_address,
                    "shipping_address": order.shipping_address,
                    "lines": [
                        {"title": line.title, "sku": line.sku, "quantity": line.quantity}
                        for line in order.lines.all()
                    ],
                }
            )
    return result


@transaction.atomic
def record_data_request(
    *,
    store: Store,
    customer_external_id: str,
    email: str = "",
    delivery: WebhookDelivery | None = None,
) -> PrivacyRequest:
    """Record a customer's data request for staff, with the JSON of what we hold."""
    return PrivacyRequest.objects.create(
        store=store,
        kind=PrivacyRequestKind.DATA_REQUEST,
        delivery=delivery,
        customer_external_id=str(customer_external_id),
        export=export_customer_data(
            store=store, customer_external_id=customer_external_id, email=email
        ),
    )


# --- Stores ----------------------------------------------------------------------------

DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
BIGCOMMERCE_HOST = re.compile(r"^store-([a-z0-9]+)\.mybigcommerce\.com$")


def normalize_domain(domain: str) -> str:
    """A shop's host name from what a person typed (a URL or a bare host)."""
    value = (domain or "").strip().lower()
    for prefix in ("https://", "http://"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = value.split("/", 1)[0].split("?", 1)[0]
    if not DOMAIN_PATTERN.match(value):
        raise InvalidInput(
            gettext("%(domain)s is not a shop host name (e.g. example.myshopify.com).")
            % {"domain": domain},
            field="domain",
        )
    return value


@transaction.atomic
def connect_store(
    *,
    platform: str,
    domain: str,
    webhook_secret: str,
    api_token: str | None = None,
    platform_store_id: str = "",
    currency: str | None = None,
) -> tuple[Store, bool]:
    """Connect a shop, or update the one already connected under that domain."""
    if platform not in Platform.values:
        raise InvalidInput(
            gettext("Unknown platform %(platform)s; choose one of %(choices)s.")
            % {"platform": platform, "choices": ", ".join(Platform.values)},
            field="platform",
        )
    domain = normalize_domain(domain)
    if not webhook_secret or not webhook_secret.strip():
        raise InvalidInput(gettext("A webhook secret is required."), field="secret")
    if platform == Platform.BIGCOMMERCE and not platform_store_id:
        match = BIGCOMMERCE_HOST.match(domain)
        platform_store_id = match.group(1) if match else ""
    store = Store.objects.select_for_update().filter(domain=domain).first()
    created = store is None
    if created:
        store = Store(domain=domain)
    store.platform = platform
    store.webhook_secret = webhook_secret.strip()
    if api_token is not None:
        store.api_token = api_token.strip()
    if platform_store_id:
        store.platform_store_id = platform_store_id.strip().lower()
    if currency:
        store.currency = currency.upper()
    store.active = True
    store.uninstalled_at = None
    store.save()
    return store, created


@transaction.atomic
def deactivate_store(*, store: Store) -> Store:
    """The app was uninstalled: stop treating the store as connected."""
    store = Store.objects.select_for_update().get(pk=store.pk)
    if store.active:
        store.active = False
        store.uninstalled_at = timezone.now()
        store.save(update_fields=["active", "uninstalled_at"])
    return store


def money(value: Any) -> Decimal:
    """A platform's money value (string, int or float text) as a two-place Decimal."""
    if value in (None, ""):
        return ZERO
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- The webhook inbox -----------------------------------------------------------------


def record_delivery(
    *,
    store: Store,
    topic: str,
    event_id: str,
    body: str,
    headers: dict[str, str],
    known_topic: bool,
    customer_external_id: str = "",
) -> tuple[WebhookDelivery, bool]:
    """Store a verified delivery once (the event id is unique per store) and queue its
    processing after commit. Returns (delivery, created); a redelivery returns the first.
    `customer_external_id` names the store customer the body is about (for erasure)."""
    fields = {
        "store": store,
        "platform": store.platform,
        "topic": topic[:100],
        "event_id": event_id[:200],
        "body": body,
        "headers": headers,
        "customer_external_id": customer_external_id[:100],
        "received_at": timezone.now(),
        "status": DeliveryStatus.RECEIVED if known_topic else DeliveryStatus.IGNORED,
    }
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(**fields)
        else:
            # One autocommitted INSERT: the webhook endpoint's hot path (a failed insert
            # leaves nothing to roll back).
            delivery = WebhookDelivery.objects.create(**fields)
    except IntegrityError:
        return WebhookDelivery.objects.get(store=store, event_id=event_id[:200]), False
    if known_topic:
        transaction.on_commit(lambda: enqueue_delivery(delivery.pk), robust=True)
    return delivery, True


def enqueue_delivery(delivery_id: int) -> None:
    """Have a stored delivery processed: right here without a broker (eager mode), else by
    a worker draining the inbox (tasks.queue_inbox_processing)."""
    from flywheel.commerce.tasks import process_delivery, queue_inbox_processing, run_in_process

    if process_delivery.app.conf.task_always_eager:
        run_in_process(delivery_id)
    else:
        queue_inbox_processing()


DONE_STATUSES = (DeliveryStatus.PROCESSED, DeliveryStatus.IGNORED)


def _apply_delivery(delivery: WebhookDelivery) -> str:
    """Run the platform's processing for one stored delivery (inside the caller's
    transaction); returns what was done."""
    from flywheel.commerce.webhooks import platform_module
    from flywheel.commerce.webhooks.common import PayloadError

    try:
        payload = json.loads(delivery.body)
    except ValueError as error:
        raise PayloadError(f"the stored body is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise PayloadError("the payload is not a JSON object")
    module = platform_module(delivery.platform)
    return module.process(
        store=delivery.store, topic=delivery.topic, payload=payload, delivery=delivery
    )


def _status_after(result: str) -> str:
    return DeliveryStatus.IGNORED if result == "ignored" else DeliveryStatus.PROCESSED


def process_delivery(*, delivery_id: int, only_if_received: bool = False) -> str:
    """Apply one stored delivery exactly once. The delivery row is locked for the whole
    transaction, so two workers handed the same delivery cannot both apply it, and a
    delivery already processed is a no-op (a worker killed after commit, before ack).
    `only_if_received` leaves alone a delivery that has failed meanwhile (its retries are
    already scheduled)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("store")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status in DONE_STATUSES:
            return "already " + delivery.status
        if only_if_received and delivery.status != DeliveryStatus.RECEIVED:
            return "already " + delivery.status
        result = _apply_delivery(delivery)
        # One update for the attempt and its outcome: a failed attempt rolls this back and
        # mark_delivery_failed counts it instead.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=_status_after(result),
            attempts=models.F("attempts") + 1,
            processed_at=timezone.now(),
            last_error="",
        )
    return result


@dataclass
class InboxBatch:
    """What one process_inbox_batch call did."""

    claimed: int = 0
    processed: int = 0
    # Claimed but not applied: the batch's transaction failed and was rolled back (the
    # deliveries are "received" again and must be applied one at a time).
    unapplied: list[int] = field(default_factory=list)
    error: Exception | None = None


def process_inbox_batch(
    *, limit: int, on_full_batch: Callable[[], None] | None = None
) -> InboxBatch:
    """Claim up to `limit` received deliveries, oldest first, and apply them in one
    transaction (one commit, no savepoints).

    Claiming locks the delivery rows with FOR UPDATE SKIP LOCKED, so workers draining at
    the same time take different deliveries and none waits for another. A full batch calls
    `on_full_batch` before applying it (to bring in another worker). If any delivery
    fails, the whole batch is rolled back and its ids come back in `unapplied`."""
    batch = InboxBatch()
    claim = WebhookDelivery.objects.filter(status=DeliveryStatus.RECEIVED)
    if connection.features.has_select_for_update_skip_locked:
        claim = claim.select_for_update(skip_locked=True, of=("self",))
    else:
        # SQLite locks the whole database for a writer: a second worker that claimed the
        # same rows fails on its first write, and its deliveries go one at a time.
        claim = claim.select_for_update()
    claimed_ids: list[int] = []
    try:
        with transaction.atomic():
            deliveries = list(claim.select_related("store").order_by("received_at", "id")[:limit])
            claimed_ids = [delivery.pk for delivery in deliveries]
            batch.claimed = len(deliveries)
            if not deliveries:
                return batch
            if len(deliveries) == limit and on_full_batch is not None:
                on_full_batch()
            outcomes: dict[str, list[int]] = defaultdict(list)
            token = _inbox_batch.set(_InboxBatchState())
            try:
                for delivery in deliveries:
                    outcomes[_status_after(_apply_delivery(delivery))].append(delivery.pk)
            finally:
                _inbox_batch.reset(token)
            now = timezone.now()
            for status, ids in outcomes.items():
                WebhookDelivery.objects.filter(pk__in=ids).update(
                    status=status,
                    attempts=models.F("attempts") + 1,
                    processed_at=now,
                    last_error="",
                )
            batch.processed = len(deliveries)
    except Exception as error:
        if not claimed_ids:
            raise  # nothing was claimed (the database is unreachable?): the task retries
        batch.unapplied = claimed_ids
        batch.error = error
    return batch


def mark_delivery_failed(*, delivery_id: int, error: str, dead: bool) -> None:
    """Record a failed attempt (the transaction that applied it was rolled back);
    `dead` puts it on the dead-letter list for staff to replay."""
    WebhookDelivery.objects.filter(pk=delivery_id).exclude(status__in=DONE_STATUSES).update(
        status=DeliveryStatus.DEAD if dead else DeliveryStatus.FAILED,
        attempts=models.F("attempts") + 1,
        last_error=error[:4000],
    )


def replay_deliveries(deliveries: models.QuerySet[WebhookDelivery]) -> int:
    """Queue stored deliveries again (the dead-letter list's "replay"); processing stays
    idempotent, so replaying a delivery that was applied changes nothing."""
    # A blanked body (its customer was erased) has nothing left to apply.
    replayable = deliveries.exclude(status=DeliveryStatus.IGNORED).filter(redacted_at__isnull=True)
    ids = list(replayable.values_list("pk", flat=True))
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.RECEIVED)
        for delivery_id in ids:
            transaction.on_commit(
                lambda delivery_id=delivery_id: enqueue_delivery(delivery_id), robust=True
            )
    return len(ids)


# --- Erased customers' raw bodies, and how long deliveries are kept ---------------------

REDACTED_BODY = "{}"
REDACTED_ERROR = "not applied: the customer was erased"


def _blank_deliveries(deliveries: models.QuerySet[WebhookDelivery], *, at: datetime) -> int:
    """Blank the raw bodies; deliveries not applied yet never will be (erasure wins)."""
    pending = deliveries.exclude(status__in=DONE_STATUSES).update(
        body=REDACTED_BODY, redacted_at=at, status=DeliveryStatus.IGNORED, last_error=REDACTED_ERROR
    )
    done = deliveries.filter(status__in=DONE_STATUSES, redacted_at__isnull=True).update(
        body=REDACTED_BODY, redacted_at=at
    )
    return pending + done


def redact_stored_deliveries(
    *, store: Store, customer_external_ids: list[str], email: str = ""
) -> int:
    """Blank the stored webhook bodies about an erased store customer (by the customer id
    recorded on arrival), and the data-request exports made for them. Deliveries stored
    before that column existed are found by the e-mail in their body. Returns how many
    deliveries were blanked."""
    keys = [str(key)[:100] for key in customer_external_ids if key]
    if not keys:
        return 0
    matches = models.Q(customer_external_id__in=keys)
    if email:
        matches |= models.Q(customer_external_id="", body__contains=email.strip().lower())
    PrivacyRequest.objects.filter(store=store, customer_external_id__in=keys).exclude(
        export={}
    ).update(export={})
    return _blank_deliveries(
        WebhookDelivery.objects.filter(matches, store=store), at=timezone.now()
    )


DEFAULT_WEBHOOK_RETENTION_DAYS = 30
DEFAULT_DEAD_WEBHOOK_RETENTION_DAYS = 90
# Kept at least this long whatever the settings say: longer than any platform's retry
# horizon, so a replay cannot come back as "new" after its first copy was pruned.
MIN_WEBHOOK_RETENTION = timedelta(days=3)
PRUNE_CHUNK = 1000


def _retention(setting: str, default_days: int) -> timedelta:
    from django.conf import settings

    days = int(getattr(settings, setting, default_days))
    return max(timedelta(days=days), MIN_WEBHOOK_RETENTION)


def _delete_in_chunks(deliveries: models.QuerySet[WebhookDelivery]) -> int:
    deleted = 0
    while ids := list(deliveries.values_list("pk", flat=True)[:PRUNE_CHUNK]):
        deleted += WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
    return deleted


def prune_webhook_deliveries(*, now: datetime | None = None) -> dict[str, int]:
    """The inbox's retention (daily task): applied and ignored deliveries are deleted after
    FLYWHEEL_WEBHOOK_RETENTION_DAYS (30), dead and still-failing ones after
    FLYWHEEL_WEBHOOK_DEAD_RETENTION_DAYS (90: time to replay them). Bodies that arrived
    after their customer was erased (a late retry) are blanked. Returns the counts."""
    now = now or timezone.now()
    kept = now - _retention("FLYWHEEL_WEBHOOK_RETENTION_DAYS", DEFAULT_WEBHOOK_RETENTION_DAYS)
    kept_dead = now - _retention(
        "FLYWHEEL_WEBHOOK_DEAD_RETENTION_DAYS", DEFAULT_DEAD_WEBHOOK_RETENTION_DAYS
    )
    erased = Customer.objects.filter(
        store=models.OuterRef("store"),
        external_id=models.OuterRef("customer_external_id"),
        redacted_at__isnull=False,
    )
    late = WebhookDelivery.objects.filter(
        models.Exists(erased), redacted_at__isnull=True, status__in=DONE_STATUSES
    ).exclude(customer_external_id="")
    return {
        "blanked_after_erasure": late.update(body=REDACTED_BODY, redacted_at=now),
        "processed_deleted": _delete_in_chunks(
            WebhookDelivery.objects.filter(status__in=DONE_STATUSES, received_at__lt=kept)
        ),
        "dead_deleted": _delete_in_chunks(
            WebhookDelivery.objects.filter(
                status__in=(DeliveryStatus.DEAD, DeliveryStatus.FAILED), received_at__lt=kept_dead
            )
        ),
    }
