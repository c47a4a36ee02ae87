"""Background work for the store integration: applying stored webhook deliveries.

A webhook request stores its delivery and makes sure a `process_inbox` task is on its way
(queue_inbox_processing); the task claims the oldest received deliveries in batches and
applies each batch in one transaction. A delivery whose batch fails is applied on its own,
and if that fails it is retried by `process_delivery` with exponential backoff until it
lands on the dead-letter list.
"""

import functools
import logging

import redis
from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from flywheel.commerce import services
from flywheel.commerce.webhooks.common import DETERMINISTIC_ERRORS, is_deterministic

logger = logging.getLogger("flywheel.commerce")

MAX_RETRIES = 6
RETRY_BACKOFF = 2
RETRY_BACKOFF_MAX = 600
DEFAULT_BATCH_SIZE = 25
# How long "a process_inbox task is queued" is believed without a task starting to clear
# it: if that message were lost, a delivery after this long queues a new one.
QUEUED_FLAG_SECONDS = 60


class AttemptFailed(Exception):
    """One in-process attempt failed (eager mode only; see run_in_process)."""


def _record_failure(delivery_id: int, error: Exception, *, attempt: int, last: bool) -> None:
    if is_deterministic(error):
        # The stored body raises this every time (a shape we cannot read, an amount too large
        # for its column): retrying will not change it, so it is dead-lettered at once.
        services.mark_delivery_failed(
            delivery_id=delivery_id, error=f"{type(error).__name__}: {error}", dead=True
        )
        logger.warning("webhook delivery %s is unreadable: %r", delivery_id, error)
        return
    services.mark_delivery_failed(delivery_id=delivery_id, error=repr(error), dead=last)
    logger.warning(
        "webhook delivery %s failed (attempt %s%s): %r",
        delivery_id,
        attempt,
        ", giving up" if last else "",
        error,
    )


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(*DETERMINISTIC_ERRORS, AttemptFailed),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    # Acknowledged only once it returns: a worker killed mid-task leaves the message to be
    # delivered again, and process_delivery is a no-op for a delivery already applied.
    acks_late=True,
    reject_on_worker_lost=True,
    # The outcome lives on the delivery row; nobody waits on a result.
    ignore_result=True,
)
def process_delivery(self, delivery_id: int) -> str:
    """Apply one stored webhook delivery; retried with exponential backoff (2 s, 4 s, …
    up to 10 min), then marked dead for staff to replay."""
    try:
        return services.process_delivery(delivery_id=delivery_id)
    except DETERMINISTIC_ERRORS as error:
        _record_failure(delivery_id, error, attempt=self.request.retries + 1, last=True)
        return "dead"
    except Exception as error:
        _record_failure(
            delivery_id,
            error,
            attempt=self.request.retries + 1,
            last=self.request.retries >= self.max_retries,
        )
        if self.request.is_eager:
            raise AttemptFailed(repr(error)) from error
        raise


def run_in_process(delivery_id: int, *, first_attempt: int = 0) -> str:
    """Without a broker (CELERY_TASK_ALWAYS_EAGER) Celery re-raises a retry instead of
    retrying it, so the attempts run here one after another, without the backoff waits."""
    for attempt in range(first_attempt, MAX_RETRIES + 1):
        result = process_delivery.apply(args=[delivery_id], retries=attempt, throw=False)
        if result.successful():
            return result.result
    return "dead"


# --- Draining the inbox ----------------------------------------------------------------


def batch_size() -> int:
    return max(1, int(getattr(settings, "FLYWHEEL_WEBHOOK_BATCH_SIZE", DEFAULT_BATCH_SIZE)))


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _broker_redis() -> redis.Redis | None:
    """The broker's Redis, shared by every web process and worker by definition."""
    url = process_inbox.app.conf.broker_url
    if isinstance(url, str) and url.startswith(("redis://", "rediss://")):
        return _redis_client(url)
    return None


def _queued_flag_key() -> str:
    return f"flywheel:commerce:inbox-queued:{process_inbox.app.conf.task_default_queue}"


def queue_inbox_processing() -> None:
    """Make sure a process_inbox task will start after this moment.

    With a Redis broker a flag says one is queued and not started yet; only the request
    that sets it publishes a task (one Redis SET instead of a Celery message per
    delivery). The task clears the flag when it starts, before it claims, so a delivery
    stored while the flag was set is claimed by that task or a later one."""
    client = _broker_redis()
    key = _queued_flag_key()
    if client is not None and not client.set(key, "1", nx=True, ex=QUEUED_FLAG_SECONDS):
        return
    try:
        process_inbox.apply_async()
    except Exception:
        if client is not None:
            client.delete(key)
        raise


def _retry_later(delivery_id: int) -> None:
    """The first attempt (in a drain) failed: the rest follow the one-delivery task's
    backoff, counting on from the second attempt."""
    if process_delivery.app.conf.task_always_eager:
        run_in_process(delivery_id, first_attempt=1)
        return
    process_delivery.apply_async(
        args=[delivery_id],
        retries=1,
        countdown=get_exponential_backoff_interval(
            factor=RETRY_BACKOFF, retries=0, maximum=RETRY_BACKOFF_MAX, full_jitter=True
        ),
    )


def apply_one_at_a_time(delivery_id: int) -> str:
    """First attempt of a delivery whose batch failed, in its own transaction (unless
    another worker has already made it)."""
    try:
        return services.process_delivery(delivery_id=delivery_id, only_if_received=True)
    except DETERMINISTIC_ERRORS as error:
        _record_failure(delivery_id, error, attempt=1, last=True)
        return "dead"
    except Exception as error:
        _record_failure(delivery_id, error, attempt=1, last=MAX_RETRIES == 0)
        if MAX_RETRIES:
            _retry_later(delivery_id)
        return "failed"


@shared_task(
    # Same delivery guarantees as process_delivery: a killed worker's message is handed
    # out again, and deliveries it had applied are no longer "received".
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def process_inbox() -> int:
    """Apply one batch of received deliveries; a full batch first queues the next task,
    so idle workers join in while there is a backlog. Without a broker (eager mode) it
    applies batch after batch until the inbox is empty. Returns how many it claimed."""
    eager = process_inbox.app.conf.task_always_eager
    client = _broker_redis()
    if client is not None:
        client.delete(_queued_flag_key())
    claimed = 0
    while True:
        batch = services.process_inbox_batch(
            limit=batch_size(), on_full_batch=None if eager else queue_inbox_processing
        )
        claimed += batch.claimed
        if batch.unapplied:
            logger.info(
                "webhook batch of %s rolled back (%r); applying them one at a time",
                len(batch.unapplied),
                batch.error,
            )
            for delivery_id in batch.unapplied:
                apply_one_at_a_time(delivery_id)
        if not eager or batch.claimed < batch_size():
            return claimed


@shared_task(ignore_result=True)
def prune_webhook_deliveries() -> dict:
    """Daily (settings.CELERY_BEAT_SCHEDULE): the inbox's retention window."""
    return services.prune_webhook_deliveries()
