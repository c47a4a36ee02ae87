"""Background work of the Activity log: delivering each activity to its consumers.

`deliver_activity` makes the first attempt of an activity's deliveries (queued on commit by
record_activity); a failed delivery is retried on its own by `deliver_activity_delivery`
after its backoff; `sweep_activity_deliveries` (Celery beat, every minute) hands out what
was never dispatched or whose retry is due. The outcome of every attempt lives on the
delivery row (core.models.ActivityDelivery), so nothing here waits on a result.
"""

import logging

from celery import shared_task

from flywheel.core import services

logger = logging.getLogger("flywheel.core.deliveries")

# Acknowledged only once it returns: a worker killed mid-task leaves the message to be
# handed out again, and deliveries the killed run had committed are no longer claimable.
DELIVERY_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


def _queue_retries(outcomes: list[services.DeliveryOutcome]) -> None:
    for outcome in outcomes:
        if outcome.retry_in is None:
            continue
        try:
            deliver_activity_delivery.apply_async(
                args=[outcome.delivery_id], countdown=outcome.retry_in.total_seconds()
            )
        except Exception:
            # The sweep retries it (its next_attempt_at is set) once the broker is back.
            logger.warning("could not queue the retry of delivery %s", outcome.delivery_id)


@shared_task(**DELIVERY_TASK_OPTIONS)
def deliver_activity(activity_id: int) -> int:
    """First attempt of each of the activity's pending deliveries. Returns how many ran."""
    outcomes = services.deliver_pending(activity_id=activity_id)
    _queue_retries(outcomes)
    return len(outcomes)


@shared_task(**DELIVERY_TASK_OPTIONS)
def deliver_activity_delivery(delivery_id: int) -> str:
    """One attempt of one pending or failed delivery (a retry, the sweep, a replay)."""
    outcome = services.deliver_one(delivery_id=delivery_id)
    if outcome is None:
        return "nothing to do"
    _queue_retries([outcome])
    return outcome.state


@shared_task(ignore_result=True)
def sweep_activity_deliveries() -> int:
    """Hand out deliveries that are due: never dispatched (the broker was down at commit)
    or failed and past their backoff. Without a broker they are attempted right here."""
    delivery_ids = services.claim_due_deliveries()
    for delivery_id in delivery_ids:
        deliver_activity_delivery.delay(delivery_id)
    return len(delivery_ids)


@shared_task(**DELIVERY_TASK_OPTIONS)
def fan_out_activity(activity_id: int) -> int:
    """The single fan-out task of earlier releases, kept for messages queued before an
    upgrade: the activity gets its delivery rows and they are made like any others."""
    outcomes = services.deliver_pending(activity_id=activity_id, create_missing=True)
    _queue_retries(outcomes)
    return len(outcomes)


@shared_task
def ping() -> str:
    """Answers through the broker; used to prove the worker path end to end."""
    return "pong"


@shared_task(**DELIVERY_TASK_OPTIONS)
def send_outbound_message(message_id: int) -> str:
    """One attempt of one outbound message (core/outbound.py)."""
    from flywheel.core import outbound

    outcome = outbound.send_outbound(message_id=message_id)
    if outcome is None:
        return "nothing to do"
    if outcome.retry_in is not None:
        try:
            send_outbound_message.apply_async(
                args=[message_id], countdown=outcome.retry_in.total_seconds()
            )
        except Exception:
            logger.warning("could not queue the retry of outbound message %s", message_id)
    return outcome.state


@shared_task(ignore_result=True)
def sweep_outbound_messages() -> int:
    """Hand out outbound messages never dispatched or whose wait is over."""
    from flywheel.core import outbound

    message_ids = outbound.claim_due_outbound()
    for message_id in message_ids:
        send_outbound_message.delay(message_id)
    return len(message_ids)


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=8,
)
def purge_edge_cache(self, keys: list[str]) -> None:
    """Ask the CDN or caching proxy to drop the pages carrying these surrogate keys
    (core.edge_cache); retried with backoff while it does not confirm."""
    from flywheel.core import edge_cache

    edge_cache.purge(keys)


@shared_task(ignore_result=True)
def prune_delivered() -> dict:
    """Daily (settings.CELERY_BEAT_SCHEDULE): delivered rows past their retention."""
    return services.prune_delivered()
