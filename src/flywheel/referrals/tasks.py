"""Background work of the referrals app.

Attribution of store orders is batched (docs/referrals.md, "Attribution under load"): the
`order_changes` listener adds the order's id to a Redis sorted set next to the broker's
queue and makes sure one `attribute_pending_orders` task is on its way (one SET, as the
webhook inbox does); the task claims up to FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH ids and
attributes them in one transaction (services.attribute_orders), batch after batch for up to
ten seconds while there is a backlog. A full batch first queues another task, so idle
workers join in.

Claimed ids stay in the set under a lease until their batch commits: a worker that dies
mid-batch leaves them to be claimed again when the lease runs out (by the next task, or the
minute's sweep in CELERY_BEAT_SCHEDULE). An order that changes again while its batch runs
is due again at once, so the batch's end does not drop the newer change. Without a Redis
broker (tests, the embedded set-up) the order is attributed by a task of its own.
"""

import functools
import logging
import secrets
import time

import redis
from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)

# How long a claimed order is left to its batch before another task may claim it.
LEASE_SECONDS = 300
# How long "an attribute_pending_orders task is queued" is believed without a task
# starting to clear it (the message may have been lost).
QUEUED_FLAG_SECONDS = 60

# Claim: the due ids (score <= now), at most ARGV[2], each given the lease's score.
_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[3], id) end
return ids
"""
# Release: remove the ids still holding this lease's score (not those due again).
_RELEASE = """
local removed = 0
local lease = tonumber(ARGV[1])
for index = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[index])
  if score and tonumber(score) == lease then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[index])
  end
end
return removed
"""


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _broker_redis() -> redis.Redis | None:
    app = attribute_pending_orders.app
    if app.conf.task_always_eager:
        return None
    url = app.conf.broker_url
    if isinstance(url, str) and url.startswith(("redis://", "rediss://")):
        return _redis_client(url)
    return None


def _keys() -> tuple[str, str]:
    queue = attribute_pending_orders.app.conf.task_default_queue
    return (
        f"flywheel:referrals:orders-pending:{queue}",
        f"flywheel:referrals:attribution-queued:{queue}",
    )


def batch_size() -> int:
    return max(1, int(getattr(settings, "FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH", 100)))


def queue_order_attribution(order_id: int) -> None:
    """The order is due for attribution: into the pending set (due now, even if a batch
    holds it), and one task queued if none is."""
    client = _broker_redis()
    if client is None:
        attribute_order_task.delay(order_id)
        return
    pending, queued = _keys()
    client.zadd(pending, {str(order_id): time.time()})
    _queue_drain(client, queued)


def _queue_drain(client: redis.Redis, queued: str) -> None:
    if not client.set(queued, "1", nx=True, ex=QUEUED_FLAG_SECONDS):
        return
    try:
        attribute_pending_orders.apply_async()
    except Exception:
        client.delete(queued)
        raise


def task_seconds() -> float:
    return float(getattr(settings, "FLYWHEEL_REFERRAL_ATTRIBUTION_TASK_SECONDS", 10))


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def attribute_pending_orders() -> int:
    """Attribute pending orders batch after batch (services.attribute_orders) while full
    batches keep coming, for up to FLYWHEEL_REFERRAL_ATTRIBUTION_TASK_SECONDS (10): a
    backlog is not left behind the activity deliveries its own batches queue. A full batch
    first queues another task, so idle workers join in. Returns how many it claimed."""
    from flywheel.referrals import services

    client = _broker_redis()
    if client is None:
        return 0
    pending, queued = _keys()
    client.delete(queued)
    claim = client.register_script(_CLAIM)
    release = client.register_script(_RELEASE)
    started = time.monotonic()
    claimed = 0
    while True:
        # The lease's score, told apart from another batch's by a random millisecond.
        lease = repr(time.time() + LEASE_SECONDS + secrets.randbelow(1000) / 1000)
        ids = [int(raw) for raw in claim(keys=[pending], args=[time.time(), batch_size(), lease])]
        if not ids:
            return claimed
        full = len(ids) == batch_size()
        if full:
            _queue_drain(client, queued)
        services.attribute_orders(ids)
        release(keys=[pending], args=[lease, *ids])
        claimed += len(ids)
        if not full or time.monotonic() - started >= task_seconds():
            return claimed


@shared_task(ignore_result=True)
def sweep_pending_attributions() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): queue a batch if orders wait whose lease ran
    out (their worker died) or whose task was lost."""
    client = _broker_redis()
    if client is None:
        return 0
    pending, queued = _keys()
    due = client.zcount(pending, "-inf", time.time())
    if due:
        _queue_drain(client, queued)
    return due


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def attribute_order_task(self, order_id: int) -> None:
    """One order, without the batch (no Redis broker; and tasks queued before batching)."""
    from flywheel.referrals.services import attribute_order

    attribute_order(order_id)


@shared_task
def approve_matured_referrals_task() -> int:
    from flywheel.referrals.services import approve_matured_referrals

    return approve_matured_referrals()


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def issue_friend_code_task(self, referral_id: int) -> str:
    """Kept for tasks queued before welcome codes became outbound messages: it now only
    queues the message (services.issue_friend_code)."""
    from flywheel.referrals.services import issue_friend_code

    return issue_friend_code(referral_id=referral_id)
