"""Calls to services outside Flywheel, stored first and sent on their own (docs/architecture.md,
"Outbound calls").

`enqueue_outbound()` writes an OutboundMessage inside the caller's transaction and queues its
first attempt on commit. Each attempt runs in its own transaction holding the message's row
lock, so two workers never send the same message at once. The answer decides what follows:
accepted → delivered; `RetryLater` (the far side's rate limit) → tried again when it says,
with every message sharing the throttle key held back as long; `Rejected` → dead at once;
anything else → the Activity log's backoff (10 s, 20 s, 40 s … an hour) and dead after
MAX_ATTEMPTS. Dead messages are replayed from the admin or `flywheel outbound replay`.

A message is sent at least once: a worker killed between the far side's answer and the
commit sends it again. The chat services we post to have no idempotency key to offer.
"""

from __future__ import annotations

import logging
import traceback
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone

from flywheel.core import hooks
from flywheel.core.models import UNDONE_STATES, DeliveryState, OutboundMessage
from flywheel.core.services import (
    ERROR_MAX_CHARS,
    MAX_ATTEMPTS,
    RETRY_COUNTDOWN_MAX,
    SWEEP_BATCH,
    SWEEP_LEASE,
    backoff,
    claim_due_rows,
    dispatch_grace,
)

logger = logging.getLogger("flywheel.core.outbound")

# However long a far side asks us to wait, we look again within this.
RETRY_LATER_MAX = timedelta(hours=1)


class RetryLater(Exception):  # noqa: N818 - it is an answer, not a failure
    """The far side asked us to slow down (HTTP 429): try again after `seconds`."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds:g} s")
        self.seconds = max(float(seconds), 0.0)


class Rejected(Exception):  # noqa: N818 - it is an answer, not a failure
    """The far side refused the message in a way no retry changes (a deleted webhook)."""


@dataclass(frozen=True)
class SendOutcome:
    message_id: int
    state: str
    retry_in: timedelta | None = None


def enqueue_outbound(
    *,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    throttle_key: str = "",
) -> tuple[OutboundMessage, bool]:
    """Store a message for `kind`'s sender, once per `dedupe_key`, and send it after commit.
    Returns (message, created)."""
    now = timezone.now()
    with transaction.atomic():
        message, created = OutboundMessage.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "kind": kind,
                "payload": payload,
                "throttle_key": throttle_key,
                "created_at": now,
                # The sweep's safety net, should the on-commit dispatch be lost.
                "next_attempt_at": now + dispatch_grace(),
            },
        )
        if created:
            transaction.on_commit(lambda: _dispatch(message.pk), robust=True)
    return message, created


def _dispatch(message_id: int) -> None:
    from flywheel.core.tasks import send_outbound_message

    send_outbound_message.delay(message_id)


def send_outbound(*, message_id: int) -> SendOutcome | None:
    """One attempt of one pending or failed message. None: nothing to do (delivered or dead
    already, or another worker holds it right now)."""
    # PostgreSQL: the row lock keeps a second worker away while this one waits on the far
    # side. SQLite has no row locks, and a transaction there would hold every other writer
    # back for as long as the far side takes, so the call runs outside one.
    row_locks = connection.features.has_select_for_update_skip_locked
    try:
        with transaction.atomic() if row_locks else nullcontext():
            undone = OutboundMessage.objects.filter(pk=message_id, state__in=UNDONE_STATES)
            if row_locks:
                undone = undone.select_for_update(skip_locked=True)
            message = undone.first()
            if message is None:
                return None
            held_until = _held_until(message.throttle_key)
            if held_until is not None:
                return _hold(message, held_until)
            sender = hooks.outbound_senders.get(message.kind)
            if sender is None:
                raise Rejected(
                    f"No sender is registered for {message.kind!r} "
                    "(hooks.outbound_senders); replay the message once one is."
                )
            sender(message)
            now = timezone.now()
            OutboundMessage.objects.filter(pk=message.pk).update(
                state=DeliveryState.DELIVERED,
                attempts=models.F("attempts") + 1,
                last_attempt_at=now,
                delivered_at=now,
                next_attempt_at=None,
                last_error="",
            )
        return SendOutcome(message_id, DeliveryState.DELIVERED)
    except RetryLater as answer:
        return _wait_as_asked(message_id, answer)
    except Rejected as answer:
        return _record_failure(message_id, error=str(answer), dead=True)
    except Exception:
        logger.warning("outbound message %s failed", message_id, exc_info=True)
        return _record_failure(message_id, error=traceback.format_exc())


def _throttle_cache_key(throttle_key: str) -> str:
    return f"flywheel:outbound:held:{throttle_key}"


def _held_until(throttle_key: str) -> datetime | None:
    """When the far side said this throttle key's messages may go again, if that is still
    ahead (kept in the cache, Redis in production, so every worker knows)."""
    if not throttle_key:
        return None
    until = cache.get(_throttle_cache_key(throttle_key))
    return until if until is not None and until > timezone.now() else None


def _hold(message: OutboundMessage, until: datetime) -> SendOutcome:
    """Not sent: another message to the same place was just told to wait."""
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=until)
    return SendOutcome(message.pk, message.state, _worker_retry(until - timezone.now()))


def _wait_as_asked(message_id: int, answer: RetryLater) -> SendOutcome:
    """A rate limit is not a failure: it does not count towards the dead letter. The wait
    applies to every undone message with the same throttle key."""
    now = timezone.now()
    wait = min(timedelta(seconds=answer.seconds), RETRY_LATER_MAX)
    until = now + wait
    with transaction.atomic():
        message = OutboundMessage.objects.filter(pk=message_id).first()
        if message is None:
            return SendOutcome(message_id, DeliveryState.DEAD)
        OutboundMessage.objects.filter(pk=message_id).update(
            state=DeliveryState.FAILED,
            last_error=f"rate limited: {answer}",
            last_attempt_at=now,
            next_attempt_at=until,
        )
        if message.throttle_key:
            cache.set(
                _throttle_cache_key(message.throttle_key), until, timeout=wait.total_seconds() + 1
            )
            OutboundMessage.objects.filter(
                throttle_key=message.throttle_key,
                state__in=UNDONE_STATES,
                next_attempt_at__lt=until,
            ).exclude(pk=message_id).update(next_attempt_at=until)
    return SendOutcome(message_id, DeliveryState.FAILED, _worker_retry(wait))


def _record_failure(message_id: int, *, error: str, dead: bool = False) -> SendOutcome:
    now = timezone.now()
    message = OutboundMessage.objects.filter(pk=message_id).only("attempts").first()
    if message is None:
        return SendOutcome(message_id, DeliveryState.DEAD)
    attempts = message.attempts + 1
    dead = dead or attempts >= MAX_ATTEMPTS
    wait = backoff(attempts)
    retry_in = None if dead else _worker_retry(wait)
    next_attempt_at = None
    if not dead:
        # A retry the worker queues itself is left alone by the sweep for a lease longer.
        next_attempt_at = now + wait + (SWEEP_LEASE if retry_in else timedelta(0))
    OutboundMessage.objects.filter(pk=message_id, state__in=UNDONE_STATES).update(
        state=DeliveryState.DEAD if dead else DeliveryState.FAILED,
        attempts=models.F("attempts") + 1,
        last_error=error[-ERROR_MAX_CHARS:],
        last_attempt_at=now,
        next_attempt_at=next_attempt_at,
    )
    return SendOutcome(message_id, DeliveryState.DEAD if dead else DeliveryState.FAILED, retry_in)


def _worker_retry(wait: timedelta) -> timedelta | None:
    from flywheel.core.services import _eager

    return wait if wait <= RETRY_COUNTDOWN_MAX and not _eager() else None


def claim_due_outbound(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """The sweep: messages never dispatched and failed ones whose wait is over."""
    return claim_due_rows(OutboundMessage, now=now or timezone.now(), limit=limit)


def replay_outbound(messages: models.QuerySet[OutboundMessage]) -> int:
    """Send again with a fresh set of attempts (the dead-letter list's "replay")."""
    now = timezone.now()
    ids = list(messages.values_list("pk", flat=True))
    with transaction.atomic():
        OutboundMessage.objects.filter(pk__in=ids).update(
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=now + dispatch_grace(),
            delivered_at=None,
        )
        for message_id in ids:
            transaction.on_commit(lambda message_id=message_id: _dispatch(message_id), robust=True)
    return len(ids)
