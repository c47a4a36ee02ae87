import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from flywheel.core.models import UNDONE_STATES, Activity, ActivityDelivery, DeliveryState

logger = logging.getLogger("flywheel.core.deliveries")

# Deliveries (docs/architecture.md, "The Activity log"): a failed attempt is tried again
# after 10 s, 20 s, 40 s … (at most an hour apart); the MAX_ATTEMPTS-th failure puts the
# delivery on the dead-letter list for staff to replay.
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 10
BACKOFF_MAX_SECONDS = 60 * 60
# A first attempt is dispatched on commit; if it has not happened this long after the
# activity was recorded (the broker was down, the message was lost), the sweep hands it out
# (settings.FLYWHEEL_ACTIVITY_DISPATCH_GRACE_SECONDS).
DISPATCH_GRACE_SECONDS = 120
# How long a delivery the sweep handed out is left to its worker before being handed out
# again (a retry already in the queue must not be queued every minute while it waits).
SWEEP_LEASE = timedelta(minutes=10)
# A worker queues a retry due within this long itself (a countdown task); later ones, and
# every retry without a broker, are left to the sweep (which runs every minute).
RETRY_COUNTDOWN_MAX = timedelta(minutes=5)
SWEEP_BATCH = 500
ERROR_MAX_CHARS = 8000


def record_activity(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    space: Any = None,
    payload: dict | None = None,
    dedupe_key: str | None = None,
    at=None,
) -> Activity:
    """Log what a member did, once; consumers (notifications, rewards…) run after commit.

    One delivery row per consumer is written with the activity, in the same transaction,
    so nothing the log promises its consumers can be lost between commit and dispatch."""
    fields = {
        "actor": actor,
        "verb": verb,
        "space": space,
        "payload": payload or {},
        "created_at": at or timezone.now(),
    }
    if target is not None:
        fields["target_type"] = ContentType.objects.get_for_model(target)
        fields["target_id"] = target.pk
    if dedupe_key:
        try:
            with transaction.atomic():
                activity = Activity.objects.create(dedupe_key=dedupe_key, **fields)
                _create_deliveries(activity)
        except IntegrityError:
            return Activity.objects.get(dedupe_key=dedupe_key)
    elif connection.in_atomic_block:
        activity = Activity.objects.create(**fields)
        _create_deliveries(activity)
    else:
        with transaction.atomic():
            activity = Activity.objects.create(**fields)
            _create_deliveries(activity)
    # robust: a broker outage is logged, never turned into an error for the member whose
    # action is already saved; the sweep delivers what this dispatch could not.
    transaction.on_commit(lambda: dispatch_activity(activity.pk), robust=True)
    return activity


def record_activities(entries: Iterable[dict]) -> list[Activity]:
    """record_activity for many at once, inside the caller's transaction: one INSERT for the
    activities and one for all their deliveries (batch work such as referral attribution).
    Each entry has record_activity's keyword arguments. Unlike record_activity a dedupe key
    that already exists is not skipped: it raises IntegrityError and the caller's
    transaction rolls back (the caller only passes keys it knows are new, and falls back to
    record_activity one at a time)."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_activities runs inside the caller's transaction")
    now = timezone.now()
    rows = []
    for entry in entries:
        target = entry.get("target")
        rows.append(
            Activity(
                actor=entry["actor"],
                verb=entry["verb"],
                space=entry.get("space"),
                payload=entry.get("payload") or {},
                created_at=entry.get("at") or now,
                dedupe_key=entry.get("dedupe_key") or None,
                target_type=ContentType.objects.get_for_model(target) if target else None,
                target_id=target.pk if target is not None else None,
            )
        )
    if not rows:
        return []
    activities = Activity.objects.bulk_create(rows)
    due = now + dispatch_grace()
    ActivityDelivery.objects.bulk_create(
        [
            ActivityDelivery(activity=activity, consumer=name, created_at=now, next_attempt_at=due)
            for activity in activities
            for name in activity_consumers()
        ]
    )
    for activity in activities:
        transaction.on_commit(
            lambda activity_id=activity.pk: dispatch_activity(activity_id), robust=True
        )
    return activities


def dispatch_grace() -> timedelta:
    return timedelta(seconds=settings.FLYWHEEL_ACTIVITY_DISPATCH_GRACE_SECONDS)


def _create_deliveries(activity: Activity, *, ignore_conflicts: bool = False) -> None:
    now = timezone.now()
    due = now + dispatch_grace()
    ActivityDelivery.objects.bulk_create(
        [
            ActivityDelivery(
                activity=activity,
                consumer=name,
                created_at=now,
                next_attempt_at=due,
            )
            for name in activity_consumers()
        ],
        ignore_conflicts=ignore_conflicts,
    )


def dispatch_activity(activity_id: int) -> None:
    """Have the activity's deliveries made: right here without a broker (eager mode, where
    a failure waits for the sweep), else by a worker."""
    from flywheel.core.tasks import deliver_activity

    if _eager():
        deliver_pending(activity_id=activity_id)
    else:
        deliver_activity.apply_async(args=[activity_id], retry_policy=PUBLISH_RETRY_POLICY)


# A member's request waits for the publish: retry a broken connection once, not for
# seconds (the delivery row is already saved and the sweep picks it up).
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


def activity_consumers() -> dict[str, Callable[[Activity], None]]:
    """Every consumer of the Activity log: stable name → function, in the order they run.

    Apps register their consumer in hooks.activity_consumers from AppConfig.ready(), named by
    its dotted path (the name delivery rows store). settings.FLYWHEEL_ACTIVITY_CONSUMERS, when
    set, overrides the registry with exactly the names it lists, in its order (a registered
    name, or a dotted path to import: tests and switching a consumer off)."""
    from flywheel.core import hooks

    override = settings.FLYWHEEL_ACTIVITY_CONSUMERS
    if override is None:
        return dict(hooks.activity_consumers.items())
    return {name: hooks.activity_consumers.get(name) or import_string(name) for name in override}


# --- Deliveries ------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """How long after its `attempts`-th failure a delivery is tried again."""
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


@dataclass(frozen=True)
class DeliveryOutcome:
    delivery_id: int
    state: str
    # Set when the attempt failed and the worker should queue the retry itself.
    retry_in: timedelta | None = None


def _attempt(
    *,
    delivery_id: int,
    consumer_name: str,
    attempts: int,
    activity: Activity,
    consumers: dict[str, Callable[[Activity], None]],
    claimable: Iterable[str],
) -> DeliveryOutcome | None:
    """One attempt of one delivery, in its own transaction. None: not claimable (already
    delivered by another run, dead, or no longer in the state this run expects)."""
    consumer = consumers.get(consumer_name)
    now = timezone.now()
    if consumer is None:
        error = (
            f"The consumer {consumer_name!r} is not registered "
            "(core.services.activity_consumers() does not name it); replay it once it is."
        )
        return _record_failure(delivery_id, error=error, attempts=attempts, dead=True)
    try:
        with transaction.atomic():
            # Claiming is the first statement: marks it delivered and takes the row lock,
            # so a second run (a redelivered message, the sweep) waits here and then finds
            # nothing to claim. A failing consumer rolls the claim back with its writes.
            claimed = ActivityDelivery.objects.filter(
                pk=delivery_id, state__in=list(claimable)
            ).update(
                state=DeliveryState.DELIVERED,
                attempts=models.F("attempts") + 1,
                last_attempt_at=now,
                delivered_at=now,
                next_attempt_at=None,
                last_error="",
            )
            if not claimed:
                return None
            consumer(activity)
    except Exception:
        error = traceback.format_exc()
        logger.warning(
            "activity %s: consumer %s failed (attempt %s)",
            activity.pk,
            consumer_name,
            attempts + 1,
            exc_info=True,
        )
        return _record_failure(delivery_id, error=error, attempts=attempts)
    return DeliveryOutcome(delivery_id, DeliveryState.DELIVERED)


def _record_failure(
    delivery_id: int, *, error: str, attempts: int, dead: bool = False
) -> DeliveryOutcome:
    """Count a failed attempt: tried again after the backoff, or dead after MAX_ATTEMPTS.

    A short retry is queued by the worker (the outcome's retry_in); the sweep comes to it
    only SWEEP_LEASE later, in case that message is lost. Without a broker, or for a long
    backoff, the sweep is what tries again."""
    attempts += 1
    dead = dead or attempts >= MAX_ATTEMPTS
    now = timezone.now()
    wait = backoff(attempts)
    queued_by_worker = not dead and wait <= RETRY_COUNTDOWN_MAX and not _eager()
    next_attempt_at = None
    if not dead:
        next_attempt_at = now + wait + (SWEEP_LEASE if queued_by_worker else timedelta(0))
    ActivityDelivery.objects.filter(pk=delivery_id, state__in=UNDONE_STATES).update(
        state=DeliveryState.DEAD if dead else DeliveryState.FAILED,
        attempts=models.F("attempts") + 1,
        last_error=error[-ERROR_MAX_CHARS:],
        last_attempt_at=now,
        next_attempt_at=next_attempt_at,
    )
    return DeliveryOutcome(
        delivery_id,
        DeliveryState.DEAD if dead else DeliveryState.FAILED,
        wait if queued_by_worker else None,
    )


def _eager() -> bool:
    from flywheel.celery import app

    return bool(app.conf.task_always_eager)


def _activity(activity_id: int) -> Activity | None:
    return (
        Activity.objects.select_related("actor", "target_type", "space")
        .filter(pk=activity_id)
        .first()
    )


def deliver_pending(*, activity_id: int, create_missing: bool = False) -> list[DeliveryOutcome]:
    """The first attempt of each of an activity's pending deliveries, one after another,
    each in its own transaction: one consumer failing leaves the others delivered.
    `create_missing` first adds the rows an activity logged before deliveries existed
    lacks (a fan-out message queued before an upgrade)."""
    activity = _activity(activity_id)
    if activity is None:
        return []
    if create_missing:
        _create_deliveries(activity, ignore_conflicts=True)
    rows = list(
        ActivityDelivery.objects.filter(activity_id=activity_id, state=DeliveryState.PENDING)
        .order_by("pk")
        .values_list("pk", "consumer", "attempts")
    )
    consumers = activity_consumers()
    outcomes = []
    for delivery_id, consumer_name, attempts in rows:
        outcome = _attempt(
            delivery_id=delivery_id,
            consumer_name=consumer_name,
            attempts=attempts,
            activity=activity,
            consumers=consumers,
            claimable=[DeliveryState.PENDING],
        )
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def deliver_one(*, delivery_id: int) -> DeliveryOutcome | None:
    """One attempt of one pending or failed delivery (a retry, the sweep, a replay)."""
    delivery = (
        ActivityDelivery.objects.filter(pk=delivery_id, state__in=UNDONE_STATES)
        .only("pk", "activity_id", "consumer", "attempts")
        .first()
    )
    if delivery is None:
        return None
    activity = _activity(delivery.activity_id)
    if activity is None:  # deleted meanwhile: its deliveries went with it
        return None
    return _attempt(
        delivery_id=delivery.pk,
        consumer_name=delivery.consumer,
        attempts=delivery.attempts,
        activity=activity,
        consumers=activity_consumers(),
        claimable=UNDONE_STATES,
    )


def claim_due_rows(model: type[models.Model], *, now: datetime, limit: int) -> list[int]:
    """The sweep's claim, shared by activity deliveries and outbound messages: rows still
    pending or failed whose next attempt is due, oldest due first, each leased for
    SWEEP_LEASE so the next sweep leaves it to the worker it is handed to. Reads only the
    model's partial index of undone rows."""
    with transaction.atomic():
        due = model.objects.filter(state__in=UNDONE_STATES, next_attempt_at__lte=now).order_by(
            "next_attempt_at"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            model.objects.filter(pk__in=ids).update(next_attempt_at=now + SWEEP_LEASE)
    return ids


def claim_due_deliveries(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """The sweep: pending deliveries whose first dispatch never happened and failed ones
    whose backoff is over, however long the Activity log grows."""
    return claim_due_rows(ActivityDelivery, now=now or timezone.now(), limit=limit)


def replay_deliveries(deliveries: models.QuerySet[ActivityDelivery]) -> int:
    """Deliver again (the dead-letter list's "replay"), with a fresh set of attempts.
    Consumers are idempotent by activity, so replaying a delivered one changes nothing."""
    from flywheel.core.tasks import deliver_activity_delivery

    now = timezone.now()
    ids = list(deliveries.values_list("pk", flat=True))
    with transaction.atomic():
        ActivityDelivery.objects.filter(pk__in=ids).update(
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=now + dispatch_grace(),
            delivered_at=None,
        )
        for delivery_id in ids:
            transaction.on_commit(
                lambda delivery_id=delivery_id: deliver_activity_delivery.delay(delivery_id),
                robust=True,
            )
    return len(ids)


PRUNE_CHUNK = 1000


def prune_delivered(*, now: datetime | None = None) -> dict[str, int]:
    """The daily retention of the delivery tables: activity deliveries and outbound messages
    delivered more than FLYWHEEL_DELIVERY_RETENTION_DAYS ago are deleted (the Activity log
    itself stays); dead and undone ones stay for staff to replay. Chunks go oldest first by
    primary key, so each reads the index's start rather than the whole table."""
    from flywheel.core.models import OutboundMessage

    cutoff = (now or timezone.now()) - timedelta(days=settings.FLYWHEEL_DELIVERY_RETENTION_DAYS)
    deleted = {}
    for label, model in (("activity_deliveries", ActivityDelivery), ("outbound", OutboundMessage)):
        old = model.objects.filter(state=DeliveryState.DELIVERED, delivered_at__lt=cutoff)
        count = 0
        while ids := list(old.order_by("pk").values_list("pk", flat=True)[:PRUNE_CHUNK]):
            count += model.objects.filter(pk__in=ids).delete()[0]
        deleted[label] = count
    return deleted
