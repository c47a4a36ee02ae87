"""Reads per topic: every topic page view is counted in the cache, never written per view,
and a periodic flush moves the counts into TopicReadDay."""

import datetime as dt
import os

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from flywheel.analytics import queries, reads
from flywheel.analytics.models import TopicReadDay
from flywheel.analytics.queries import Period
from flywheel.community import services as community
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _worker_redis_url() -> str:
    """A database of its own per xdist worker, below the suite's: a test elsewhere that clears a
    Redis cache (FLUSHDB on the suite's database) must not wipe the counters mid-test."""
    base, _slash, db = BASE_REDIS_URL.rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    offset = int(worker[2:]) + 1 if worker[2:].isdigit() else 1
    return f"{base}/{(int(db) - offset) % 16}"


REDIS_URL = _worker_redis_url()


def _topic(space=None, title="Boots"):
    return community.create_topic(
        author=UserFactory(),
        space=space or SpaceFactory(),
        title=title,
        body="Which boots?",
        enforce_rate_limit=False,
    )


@pytest.fixture
def redis_cache(settings):
    """The real Redis as Django's cache (production's setup), emptied before and after. Each
    xdist worker has its own key prefix: their databases reuse topic ids, and a flush reads
    every counter under the prefix."""
    prefix = f"fw-test-reads-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # Redis runs here and in CI: unreachable is a failure, not a skip

    def clear():
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)

    clear()
    yield client
    clear()
    caches["default"].close()


@pytest.fixture(autouse=True)
def _empty_local_counter():
    reads._local_counts.clear()
    yield
    reads._local_counts.clear()


def test_a_page_view_writes_nothing_to_the_database_and_the_flush_counts_it(
    redis_cache, django_assert_num_queries
):
    topic = _topic()
    client = Client()
    client.get(topic.get_absolute_url())  # warm up: sessions, content types, page cache
    TopicReadDay.objects.all().delete()
    reads.flush_topic_reads()
    TopicReadDay.objects.all().delete()

    with django_assert_num_queries(0):
        reads.count_topic_view(topic_id=topic.pk)
    for _ in range(3):
        assert client.get(topic.get_absolute_url()).status_code == 200
    assert not TopicReadDay.objects.exists()

    assert reads.flush_topic_reads() == 4
    row = TopicReadDay.objects.get()
    assert (row.topic_id, row.day, row.reads) == (topic.pk, timezone.now().date(), 4)


def test_guests_served_from_the_public_page_cache_are_counted(redis_cache):
    topic = _topic()
    guest = Client()
    for _ in range(2):
        guest.get(topic.get_absolute_url())
    reads.flush_topic_reads()
    TopicReadDay.objects.all().delete()
    guest.get(topic.get_absolute_url())  # served from the page cache now
    assert reads.flush_topic_reads() == 1


def test_a_second_flush_adds_to_the_same_day(redis_cache):
    topic = _topic()
    reads.count_topic_view(topic_id=topic.pk)
    reads.flush_topic_reads()
    reads.count_topic_view(topic_id=topic.pk)
    reads.count_topic_view(topic_id=topic.pk)
    assert reads.flush_topic_reads() == 2
    assert TopicReadDay.objects.get(topic=topic).reads == 3
    assert reads.flush_topic_reads() == 0


def test_counts_left_by_a_flush_that_died_are_read_by_the_next(redis_cache):
    topic = _topic()
    reads.flush_topic_reads()  # counts an earlier test left in this process are not ours
    reads.count_topic_view(topic_id=topic.pk)
    day_key = reads._day_key(timezone.now().date())
    redis_cache.rename(day_key, f"{day_key}:{reads.FLUSHING}:dead")
    reads.count_topic_view(topic_id=topic.pk)
    assert reads.flush_topic_reads() == 2
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert not list(redis_cache.scan_iter(match=f"fw-test-reads-{worker}:*topic-reads*"))


def test_without_redis_the_counts_stay_in_the_process_until_flushed():
    topic = _topic()
    reads.count_topic_view(topic_id=topic.pk)
    reads.count_topic_view(topic_id=topic.pk)
    assert not TopicReadDay.objects.exists()
    assert reads.flush_topic_reads() == 2
    assert TopicReadDay.objects.get(topic=topic).reads == 2


def test_reads_of_a_deleted_topic_are_dropped():
    topic = _topic()
    reads.count_topic_view(topic_id=topic.pk)
    topic_id = topic.pk
    topic.delete()
    assert reads.flush_topic_reads() == 0
    assert not TopicReadDay.objects.filter(topic_id=topic_id).exists()


def test_reads_per_topic_and_the_most_read_table():
    # Boots: 5 + 2 reads on two days, Tents: 1 read; in the Gear space only Boots.
    gear = SpaceFactory(name="Gear")
    boots, tents = _topic(gear, "Boots"), _topic(title="Tents")
    today = timezone.now().date()
    TopicReadDay.objects.create(topic=boots, day=today, reads=5)
    TopicReadDay.objects.create(topic=boots, day=today - dt.timedelta(days=1), reads=2)
    TopicReadDay.objects.create(topic=tents, day=today, reads=1)
    TopicReadDay.objects.create(topic=tents, day=today - dt.timedelta(days=40), reads=9)
    period = Period(today - dt.timedelta(days=29), today)

    summary = queries.reads_summary(period)
    # 8 reads over 2 topics read.
    assert summary == {"reads": 8, "topics": 2, "per_topic": 4.0}
    assert queries.reads_summary(period, gear) == {"reads": 7, "topics": 1, "per_topic": 7.0}
    table = queries.most_read_topics(period)
    assert table.rows == [["Boots", "Gear", 7], ["Tents", tents.space.name, 1]]


def test_a_hash_renamed_while_the_flush_scans_is_counted_once(redis_cache, monkeypatch):
    """SCAN may return keys created during the iteration, a renamed hash among them."""
    topic = _topic()
    reads.count_topic_view(topic_id=topic.pk)
    reads.count_topic_view(topic_id=topic.pk)
    real = reads._redis()

    class ScanSeesNewKeys:
        def __getattr__(self, name):
            return getattr(real, name)

        def scan_iter(self, match):
            seen = set()
            while True:
                fresh = [key for key in real.scan_iter(match=match) if key not in seen]
                if not fresh:
                    return
                for key in fresh:
                    seen.add(key)
                    yield key

    monkeypatch.setattr(reads, "_redis", lambda: ScanSeesNewKeys())
    assert reads.flush_topic_reads() == 2
    assert TopicReadDay.objects.get(topic=topic).reads == 2


def test_a_second_flush_while_one_runs_leaves_the_counts_to_it(redis_cache):
    topic = _topic()
    reads.count_topic_view(topic_id=topic.pk)
    running = reads._redis().lock(caches["default"].make_key(f"{reads.KEY}-flush-lock"), timeout=30)
    assert running.acquire(blocking=False)
    try:
        assert reads.flush_topic_reads() == 0
    finally:
        running.release()
    assert reads.flush_topic_reads() == 1
