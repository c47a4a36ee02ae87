"""Store discount codes for rewards, through the commerce store adapter: single-use codes
(perks, tier entry rewards) and the personal multi-use code of a tier's standing discount.

The adapter (flywheel.commerce.adapters) is imported lazily: rewards work without a
connected store, and every failure — no store, no adapter, the shop said no — comes back as
one `StoreCodeError` with a message staff can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


class StoreCodeError(Exception):
    """No code could be created (or disabled); the message says why."""


class NoStoreConnected(StoreCodeError):
    """Nothing to talk to yet; trying again costs nothing and succeeds once a shop is
    connected, so callers do not count it as a failed attempt."""


@dataclass(frozen=True)
class StoreCode:
    code: str
    url: str = ""
    # DiscountCode.reference (what disable_code needs) and the shop it lives in.
    platform_id: str = ""
    store_id: int | None = None


def connected_store():
    """The shop rewards create codes in: the oldest active, installed store, or None."""
    try:
        from flywheel.commerce.models import Store
    except ImportError:  # pragma: no cover - the commerce app is part of every install
        return None
    return Store.objects.filter(active=True, uninstalled_at__isnull=True).order_by("pk").first()


def _adapter_module():
    try:
        from flywheel.commerce.adapters import base, errors
    except ImportError as error:  # pragma: no cover - the commerce app is part of every install
        raise StoreCodeError(
            _("No store adapter is installed, so no discount code could be created.")
        ) from error
    return base, errors


def _create(
    *, kind: str, value: Decimal, currency: str, usage_limit: int | None, once_per_customer: bool
) -> StoreCode:
    base, errors = _adapter_module()
    store = connected_store()
    if store is None:
        raise NoStoreConnected(_("No store is connected, so no discount code could be created."))
    try:
        with base.get_adapter(store) as adapter:
            created = adapter.create_discount_code(
                code=None,
                kind=kind,
                value=Decimal(value),
                currency=currency,
                usage_limit=usage_limit,
                once_per_customer=once_per_customer,
            )
    except errors.StoreAdapterError as error:
        raise StoreCodeError(str(error)) from error
    return StoreCode(
        code=created.code, url=created.url, platform_id=created.reference, store_id=store.pk
    )


def create_discount_code(*, kind: str, value: Decimal, currency: str) -> StoreCode:
    """Create a single-use discount code (`kind` percentage or fixed_amount) in the store."""
    return _create(kind=kind, value=value, currency=currency, usage_limit=1, once_per_customer=True)


def create_standing_code(*, percent: Decimal) -> StoreCode:
    """Create a member's standing-discount code: a percentage off, usable on every order,
    without expiry. (Percentages need no currency; the store's own is passed.)"""
    store = connected_store()
    return _create(
        kind="percentage",
        value=percent,
        currency=store.currency if store is not None else "",
        usage_limit=None,
        once_per_customer=False,
    )


def disable_code(*, platform_id: str, store_id: int | None) -> None:
    """Delete a code we created from the shop it was created in. A code the shop no longer
    has counts as done; a shop that is gone (uninstalled, removed) leaves nothing to
    disable either."""
    base, errors = _adapter_module()
    from flywheel.commerce.models import Store

    store = Store.objects.filter(pk=store_id).first() if store_id else None
    if store is None or store.uninstalled_at is not None:
        return
    try:
        with base.get_adapter(store) as adapter:
            adapter.disable_discount_code(platform_id=platform_id)
    except errors.StoreAdapterError as error:
        raise StoreCodeError(str(error)) from error
