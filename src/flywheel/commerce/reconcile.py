"""Reconciliation: repair what a lost webhook missed.

Webhooks get lost (the shop gave up retrying while we were down, a subscription was
removed, a deploy dropped a delivery). Every hour, for every active store with API access,
we list the orders the shop changed since the last pass, minus a safety overlap for clock
skew and for orders written while the last pass ran, and upsert the ones that are missing
or older here than in the shop. Up-to-date orders are left alone, so a pass with nothing
to repair writes nothing but its own mark.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from flywheel.commerce import services
from flywheel.commerce.adapters import Page, StoreAdapter, StoreAdapterError, get_adapter
from flywheel.commerce.models import Order, Store, SyncCursor, SyncResource
from flywheel.commerce.webhooks import platform_module
from flywheel.commerce.webhooks.common import PayloadError
from flywheel.core.exceptions import DomainError

logger = logging.getLogger("flywheel.commerce.reconcile")


def overlap() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "FLYWHEEL_STORE_RECONCILE_OVERLAP_MINUTES", 30)))


def first_window() -> timedelta:
    """How far back the first pass looks for a store that was never synced."""
    return timedelta(
        hours=int(getattr(settings, "FLYWHEEL_STORE_RECONCILE_FIRST_WINDOW_HOURS", 24))
    )


@dataclass
class ReconcileReport:
    store: Store
    since: datetime
    checked: int = 0
    missing: int = 0  # orders we did not have at all
    outdated: int = 0  # orders the shop changed after our copy
    rejected: int = 0
    pages: int = 0
    requests: int = 0
    seconds: float = 0.0
    repaired_ids: list[str] = field(default_factory=list)

    @property
    def repaired(self) -> int:
        return self.missing + self.outdated


ProgressCallback = Callable[[ReconcileReport, Page], None]


@transaction.atomic
def mark_reconciled(*, store: Store, at: datetime, covering_since: datetime | None = None) -> None:
    """Record that orders changed up to ``at`` are in. The mark never moves back, and does
    not jump over a gap (an import that covered only a window after the current mark)."""
    mark, _created = SyncCursor.objects.select_for_update().get_or_create(
        store=store, resource=SyncResource.RECONCILE
    )
    current = mark.updated_since
    if current is not None and (at <= current or (covering_since and covering_since > current)):
        return
    mark.updated_since = at
    mark.completed_at = timezone.now()
    mark.last_error = ""
    mark.save(update_fields=["updated_since", "completed_at", "last_error"])
    Store.objects.filter(pk=store.pk).update(last_synced_at=at)


def reconcile_store(
    *,
    store: Store,
    since: datetime | None = None,
    adapter: StoreAdapter | None = None,
    progress: ProgressCallback | None = None,
) -> ReconcileReport:
    """One pass over the orders the shop changed since the last pass (or ``since``)."""
    started_at = timezone.now()
    clock = time.monotonic()
    if since is None:
        mark = SyncCursor.objects.filter(store=store, resource=SyncResource.RECONCILE).first()
        last = (mark.updated_since if mark else None) or store.last_synced_at
        since = (last - overlap()) if last else started_at - first_window()
    report = ReconcileReport(store=store, since=since)
    inbound = platform_module(store.platform)
    owns_adapter = adapter is None
    adapter = adapter or get_adapter(store)
    try:
        cursor = None
        while True:
            page = adapter.list_orders(updated_since=since, cursor=cursor)
            _repair_page(store=store, page=page, inbound=inbound, report=report)
            report.pages += 1
            if progress is not None:
                progress(report, page)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    except StoreAdapterError as error:
        SyncCursor.objects.update_or_create(
            store=store, resource=SyncResource.RECONCILE, defaults={"last_error": str(error)}
        )
        raise
    finally:
        report.requests = adapter.http.requests_sent
        report.seconds = time.monotonic() - clock
        if owns_adapter:
            adapter.close()
    mark_reconciled(store=store, at=started_at)
    if report.repaired:
        logger.info(
            "%s: reconciliation repaired %d missing and %d outdated orders",
            store.domain,
            report.missing,
            report.outdated,
        )
    return report


def _repair_page(*, store: Store, page: Page, inbound, report: ReconcileReport) -> None:
    normalized = []
    for payload in page.items:
        try:
            normalized.append(inbound.normalize_order(payload))
        except PayloadError as error:
            report.rejected += 1
            logger.warning("%s: unreadable order %s: %s", store.domain, payload.get("id"), error)
    # One query per page for what we already hold.
    held = dict(
        Order.objects.filter(
            store=store, external_id__in=[order["external_id"] for order in normalized]
        ).values_list("external_id", "platform_updated_at")
    )
    for order in normalized:
        report.checked += 1
        external_id = order["external_id"]
        if external_id in held:
            ours, theirs = held[external_id], order.get("updated_at")
            if ours is not None and (theirs is None or theirs <= ours):
                continue
            report.outdated += 1
        else:
            report.missing += 1
        try:
            services.upsert_order(store=store, data=order)
        except DomainError as error:
            report.rejected += 1
            logger.warning("%s: order %s refused: %s", store.domain, external_id, error)
            continue
        report.repaired_ids.append(external_id)


def stores_to_reconcile():
    return Store.objects.filter(active=True).exclude(api_token="").order_by("pk")


@shared_task(name="flywheel.commerce.reconcile_stores")
def reconcile_stores() -> dict[str, int]:
    """The hourly pass over every active store with API access; one failing shop does not
    stop the others (its error is kept on its reconciliation mark and logged)."""
    repaired: dict[str, int] = {}
    for store in stores_to_reconcile():
        try:
            repaired[store.domain] = reconcile_store(store=store).repaired
        except StoreAdapterError as error:
            logger.warning("%s: reconciliation failed: %s", store.domain, error)
    return repaired
