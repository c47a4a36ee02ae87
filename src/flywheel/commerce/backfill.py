"""REST back-fill: import a shop's history (customers, products, orders with their lines and
refunds) through its store adapter.

Each record goes through the same normaliser as its webhook and the same upsert service,
so importing twice updates rows and never duplicates them, and a back-fill never
overwrites a newer webhook (the services compare the platform's ``updated_at``).

The position is saved per resource in `SyncCursor` after every page. When a run stops (a
shop that keeps failing, a killed process), ``resume=True`` continues at the page that
failed instead of starting over.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from flywheel.commerce import services
from flywheel.commerce.adapters import Page, StoreAdapter, StoreAdapterError, get_adapter
from flywheel.commerce.models import Store, SyncCursor, SyncResource
from flywheel.commerce.webhooks import platform_module
from flywheel.commerce.webhooks.common import PayloadError
from flywheel.core.exceptions import DomainError

logger = logging.getLogger("flywheel.commerce.backfill")

# Customers and products first: orders then link to rows that already exist.
RESOURCES: tuple[str, ...] = (
    SyncResource.CUSTOMERS,
    SyncResource.PRODUCTS,
    SyncResource.ORDERS,
)


@dataclass
class ResourceProgress:
    resource: str
    records: int = 0
    pages: int = 0
    rejected: int = 0  # records the normaliser or the service refused (logged, skipped)
    resumed_from: str | None = None
    already_complete: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def records_per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.records / elapsed if elapsed > 0 else 0.0


@dataclass
class BackfillReport:
    store: Store
    resources: list[ResourceProgress] = field(default_factory=list)
    requests: int = 0
    waited_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(progress.records for progress in self.resources)


# Called after each page: (progress so far, the page, requests sent so far).
ProgressCallback = Callable[[ResourceProgress, Page, int], None]


def apply_record(*, store: Store, resource: str, payload: dict[str, Any]) -> None:
    """Normalise one REST record as its webhook would be, and upsert it."""
    inbound = platform_module(store.platform)
    if resource == SyncResource.CUSTOMERS:
        services.upsert_customer(store=store, data=inbound.normalize_customer(payload))
    elif resource == SyncResource.PRODUCTS:
        services.upsert_product(store=store, data=inbound.normalize_product(payload))
    elif resource == SyncResource.ORDERS:
        services.upsert_order(store=store, data=inbound.normalize_order(payload))
    else:
        raise ValueError(f"unknown resource {resource!r}")


def _lister(adapter: StoreAdapter, resource: str) -> Callable[..., Page]:
    return {
        SyncResource.CUSTOMERS: adapter.list_customers,
        SyncResource.PRODUCTS: adapter.list_products,
        SyncResource.ORDERS: adapter.list_orders,
    }[resource]


def import_resource(
    *,
    store: Store,
    resource: str,
    adapter: StoreAdapter,
    since: datetime | None,
    resume: bool,
    progress: ProgressCallback | None = None,
) -> ResourceProgress:
    """Walk every page of one resource, saving the position after each page."""
    state, _created = SyncCursor.objects.get_or_create(store=store, resource=resource)
    report = ResourceProgress(resource=resource)
    if resume and state.started_at is not None and state.completed_at is not None:
        report.already_complete = True
        report.records, report.pages = state.items_done, state.pages_done
        return report
    if resume and state.started_at is not None:
        report.resumed_from = state.cursor or None
        report.records, report.pages = state.items_done, state.pages_done
    else:
        state.cursor = ""
        state.updated_since = since
        state.items_done = state.pages_done = 0
        state.started_at = timezone.now()
        state.completed_at = None
        state.last_error = ""
        state.save()
    list_page = _lister(adapter, resource)
    cursor = state.cursor or None
    while True:
        try:
            page = list_page(updated_since=state.updated_since, cursor=cursor)
        except StoreAdapterError as error:
            state.last_error = str(error)
            state.save(update_fields=["last_error"])
            raise
        for payload in page.items:
            try:
                apply_record(store=store, resource=resource, payload=payload)
            except (PayloadError, DomainError) as error:
                report.rejected += 1
                logger.warning(
                    "%s: skipped %s %s: %s", store.domain, resource, payload.get("id"), error
                )
        report.records += len(page.items)
        report.pages += 1
        state.cursor = page.next_cursor or ""
        state.items_done = report.records
        state.pages_done = report.pages
        state.last_error = ""
        if page.next_cursor is None:
            state.completed_at = timezone.now()
        state.save(
            update_fields=["cursor", "items_done", "pages_done", "last_error", "completed_at"]
        )
        if progress is not None:
            progress(report, page, adapter.http.requests_sent)
        if page.next_cursor is None:
            return report
        cursor = page.next_cursor


def run_backfill(
    *,
    store: Store,
    since: datetime | None = None,
    resume: bool = False,
    resources: Iterable[str] = RESOURCES,
    adapter: StoreAdapter | None = None,
    progress: ProgressCallback | None = None,
) -> BackfillReport:
    """Import the shop's history (changed since ``since``; everything when None).

    Raises StoreAdapterError when the shop keeps failing; the pages done so far are kept
    and ``resume=True`` continues from the failed page. When the orders finish, the
    hourly reconciliation is told to carry on from the time this import started."""
    started = time.monotonic()
    owns_adapter = adapter is None
    adapter = adapter or get_adapter(store)
    report = BackfillReport(store=store)
    try:
        for resource in resources:
            report.resources.append(
                import_resource(
                    store=store,
                    resource=resource,
                    adapter=adapter,
                    since=since,
                    resume=resume,
                    progress=progress,
                )
            )
    finally:
        report.requests = adapter.http.requests_sent
        report.waited_seconds = adapter.http.waited_seconds
        report.seconds = time.monotonic() - started
        if owns_adapter:
            adapter.close()
    orders = SyncCursor.objects.filter(
        store=store, resource=SyncResource.ORDERS, completed_at__isnull=False
    ).first()
    if orders is not None and orders.started_at is not None:
        # Orders changed up to this import's start are in; reconciliation takes over there.
        from flywheel.commerce.reconcile import mark_reconciled

        mark_reconciled(store=store, at=orders.started_at, covering_since=orders.updated_since)
    return report
