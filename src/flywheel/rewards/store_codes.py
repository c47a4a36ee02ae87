"""Single-use store discount codes for rewards, through the commerce store adapter.

The adapter (flywheel.commerce.adapters) is imported lazily: rewards work without a
connected store, and every failure — no store, no adapter, the shop said no — comes back as
one `StoreCodeError` with a message staff can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


class StoreCodeError(Exception):
    """No code could be created; the message says why."""


@dataclass(frozen=True)
class StoreCode:
    code: str
    url: str = ""


def connected_store():
    """The shop rewards create codes in: the oldest active, installed store, or None."""
    try:
        from flywheel.commerce.models import Store
    except ImportError:  # pragma: no cover - the commerce app is part of every install
        return None
    return Store.objects.filter(active=True, uninstalled_at__isnull=True).order_by("pk").first()


def create_discount_code(*, kind: str, value: Decimal, currency: str) -> StoreCode:
    """Create a single-use discount code (`kind` percentage or fixed_amount) in the store."""
    try:
        from flywheel.commerce.adapters.base import get_adapter
        from flywheel.commerce.adapters.errors import StoreAdapterError
    except ImportError as error:
        raise StoreCodeError(
            _("No store adapter is installed, so no discount code could be created.")
        ) from error
    store = connected_store()
    if store is None:
        raise StoreCodeError(_("No store is connected, so no discount code could be created."))
    try:
        with get_adapter(store) as adapter:
            created = adapter.create_discount_code(
                code=None,
                kind=kind,
                value=Decimal(value),
                currency=currency,
                usage_limit=1,
                once_per_customer=True,
            )
    except StoreAdapterError as error:
        raise StoreCodeError(str(error)) from error
    return StoreCode(code=created.code, url=created.url)
