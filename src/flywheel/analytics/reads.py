"""Reads per topic, counted without a database write per page view.

Every topic page view (the public page cache's copies included) adds one to a counter in the
cache: a Redis hash per UTC day (`HINCRBY`) when the cache is Redis, else a counter in this
process (the embedded default, one web process). `flush_topic_reads` (every minute, a
periodic task) moves the counts into `TopicReadDay` rows with one upsert per topic and day.

A Redis hash is renamed before it is read, so views counted during a flush go to a fresh
hash and are never lost; a renamed hash is deleted only after its counts are committed (a
flush that dies in between leaves it for the next one, which finds it by its name).
"""

import datetime as dt
import logging
import threading
import uuid
from collections import Counter

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from flywheel.analytics.models import TopicReadDay

logger = logging.getLogger(__name__)

KEY = "analytics:topic-reads"
FLUSHING = "flushing"
FLUSH_LOCK_SECONDS = 300

_local_counts: Counter[tuple[dt.date, int]] = Counter()
_local_lock = threading.Lock()


def _redis():
    """The raw Redis client behind Django's cache, or None when the cache is not Redis."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True)
    return None


def _day_key(day: dt.date) -> str:
    return caches["default"].make_key(f"{KEY}:{day.isoformat()}")


def count_topic_view(*, topic_id: int, member=None) -> None:
    """The topic_views hook: one more read of this topic today. Never touches the database."""
    day = timezone.now().date()
    client = _redis()
    if client is None:
        with _local_lock:
            _local_counts[(day, int(topic_id))] += 1
        return
    client.hincrby(_day_key(day), str(int(topic_id)), 1)


def _pending_from_redis(client) -> list[tuple[str, dict[tuple[dt.date, int], int]]]:
    """Rename each day's hash out of the way and read it: (renamed key, counts) pairs."""
    prefix = caches["default"].make_key(KEY)
    batches = []
    # Listed before any rename: SCAN may return a key renamed during the iteration, which
    # would then be read twice (once as today's hash, once as a dead flush's).
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    for raw in keys:
        key = raw.decode() if isinstance(raw, bytes) else raw
        rest = key[len(prefix) + 1 :]
        if FLUSHING in rest:
            day_text = rest.split(":", 1)[0]
            renamed = key  # left behind by a flush that died: read it again
        else:
            day_text = rest
            renamed = f"{key}:{FLUSHING}:{uuid.uuid4().hex}"
            try:
                client.rename(key, renamed)
            except redis.ResponseError:  # the key went away between SCAN and RENAME
                logger.info("topic reads key %s vanished before its flush", key)
                continue
        day = dt.date.fromisoformat(day_text)
        counts = {
            (day, int(topic_id)): int(reads) for topic_id, reads in client.hgetall(renamed).items()
        }
        batches.append((renamed, counts))
    return batches


def add_topic_reads(counts: dict[tuple[dt.date, int], int]) -> int:
    """Add reads per (UTC day, topic id) to TopicReadDay; returns the reads written. The
    flush's writer, also used by the demo for past days."""
    return _write(counts)


def _write(counts: dict[tuple[dt.date, int], int]) -> int:
    """Add the counts: one UPDATE … reads + n per row that exists, one bulk INSERT for the
    rest (a concurrent writer's insert makes this fall back to row by row)."""
    from flywheel.community.models import Topic

    existing_topics = set(
        Topic.objects.filter(pk__in={topic_id for _day, topic_id in counts}).values_list(
            "pk", flat=True
        )
    )
    wanted = {
        key: reads
        for key, reads in counts.items()
        if key[1] in existing_topics and reads > 0  # a topic deleted since it was read
    }
    if not wanted:
        return 0
    try:
        with transaction.atomic():
            _add(wanted, bulk=True)
    except IntegrityError:
        with transaction.atomic():
            _add(wanted, bulk=False)
    return sum(wanted.values())


def _add(wanted: dict[tuple[dt.date, int], int], *, bulk: bool) -> None:
    present = set(
        TopicReadDay.objects.filter(
            topic_id__in={topic_id for _day, topic_id in wanted},
            day__in={day for day, _topic in wanted},
        ).values_list("day", "topic_id")
    )
    missing = []
    for (day, topic_id), reads in sorted(wanted.items()):
        if (day, topic_id) in present or not bulk:
            updated = TopicReadDay.objects.filter(topic_id=topic_id, day=day).update(
                reads=F("reads") + reads
            )
            if updated:
                continue
        missing.append(TopicReadDay(topic_id=topic_id, day=day, reads=reads))
    TopicReadDay.objects.bulk_create(missing, batch_size=1000)


def flush_topic_reads() -> int:
    """Move the buffered counts into TopicReadDay; returns the number of reads written."""
    client = _redis()
    if client is None:
        with _local_lock:
            counts = dict(_local_counts)
            _local_counts.clear()
        return _write(counts) if counts else 0
    # One flush at a time: a second one would read the first's renamed hashes as if that
    # flush had died, and count them twice.
    lock = client.lock(caches["default"].make_key(f"{KEY}-flush-lock"), timeout=FLUSH_LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        logger.info("topic reads: another flush is running")
        return 0
    try:
        written = 0
        for renamed, counts in _pending_from_redis(client):
            written += _write(counts)
            client.delete(renamed)
        return written
    finally:
        try:
            lock.release()
        except redis.exceptions.LockError:  # held past its timeout: the next flush may run
            logger.warning("topic reads: the flush outlived its lock")
