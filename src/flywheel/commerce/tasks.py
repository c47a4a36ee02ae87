"""Background work for the store integration: applying stored webhook deliveries."""

import logging

from celery import shared_task

from flywheel.commerce import services
from flywheel.commerce.webhooks.common import PayloadError

logger = logging.getLogger("flywheel.commerce")

MAX_RETRIES = 6


class AttemptFailed(Exception):
    """One in-process attempt failed (eager mode only; see run_in_process)."""


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(PayloadError, AttemptFailed),
    retry_backoff=2,
    retry_backoff_max=600,
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
    except PayloadError as error:
        # The platform sent something we cannot read: retrying will not change it.
        services.mark_delivery_failed(delivery_id=delivery_id, error=str(error), dead=True)
        logger.warning("webhook delivery %s is unreadable: %s", delivery_id, error)
        return "dead"
    except Exception as error:
        dead = self.request.retries >= self.max_retries
        services.mark_delivery_failed(delivery_id=delivery_id, error=repr(error), dead=dead)
        logger.warning(
            "webhook delivery %s failed (attempt %s%s): %r",
            delivery_id,
            self.request.retries + 1,
            ", giving up" if dead else "",
            error,
        )
        if self.request.is_eager:
            raise AttemptFailed(repr(error)) from error
        raise


def run_in_process(delivery_id: int) -> str:
    """Without a broker (CELERY_TASK_ALWAYS_EAGER) Celery re-raises a retry instead of
    retrying it, so the attempts run here one after another, without the backoff waits."""
    for attempt in range(MAX_RETRIES + 1):
        result = process_delivery.apply(args=[delivery_id], retries=attempt, throw=False)
        if result.successful():
            return result.result
    return "dead"
