"""Activity deliveries through the real Redis broker and real worker processes.

1. A worker killed with SIGKILL in the middle of a batch of replies and started again:
   every reply's notification and points arrive exactly once.
2. The broker is down while a member replies: the page answers 2xx and the reply is
   saved; once Redis is back, the sweep hands the deliveries out and the notification and
   points arrive. This test starts its own redis-server on a free port (the shared one is
   never stopped).

Worker, driver and sweep are subprocesses on a database they can share (helpers from
tests/commerce/test_worker_crash.py): a fresh PostgreSQL database when
FLYWHEEL_TEST_DATABASE_URL is set, else a temporary SQLite file.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.commerce.test_worker_crash import (
    private_redis_url,
    start_worker,
    wait_for,
    worker_database,
)

pytestmark = pytest.mark.redis

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REPLIES = 60


def own_redis_db_url() -> str:
    # Its own Redis database (the short visibility timeout must not hand out other tests'
    # unacknowledged messages early); 12 is used by no other test.
    return private_redis_url("FLYWHEEL_TEST_REDIS_DELIVERY_URL", 12)


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is unreachable at {url} ({error}).", pytrace=False)


def environment(database_url: str, broker_url: str, queue: str, tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.core.delivery_worker_settings",
        "FLYWHEEL_DELIVERY_TEST_QUEUE": queue,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "FLYWHEEL_TESTING": "1",
        "FLYWHEEL_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
    }


def django_run(env: dict, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True
    )
    return completed.stdout


def effects(env: dict) -> dict:
    return json.loads(django_run(env, "-m", "tests.core.delivery_worker_driver", "effects"))


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def test_a_worker_killed_mid_batch_and_restarted_delivers_every_effect_once(tmp_path):
    broker_url = own_redis_db_url()
    require_redis(broker_url)
    queue = f"flywheel-delivery-crash-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    with worker_database(tmp_path) as (database_url, count):
        env = environment(database_url, broker_url, queue, tmp_path)
        django_run(env, "-m", "django", "migrate", "--no-input", "-v", "0")
        delivered_sql = "SELECT count(*) FROM core_activitydelivery WHERE state = 'delivered'"
        django_run(env, "-m", "tests.core.delivery_worker_driver", "seed", str(REPLIES))
        total = count("SELECT count(*) FROM core_activitydelivery")
        assert count(delivered_sql) == 0  # nothing ran before a worker started
        worker = start_worker(env, queue, log_path)
        try:
            wait_for(
                lambda: count(delivered_sql) >= 40,
                timeout=60,
                what="the first deliveries",
                log_path=log_path,
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            assert count(delivered_sql) < total, "the kill came after the batch"

            worker = start_worker(env, queue, log_path)
            wait_for(
                lambda: count(delivered_sql) == total,
                # A ceiling for a loaded CI machine (both passes run side by side), not a
                # speed requirement: a quiet machine delivers the rest in seconds.
                timeout=300,
                what="every delivery after the restart",
                log_path=log_path,
            )
        finally:
            stop(worker)
            redis.Redis.from_url(broker_url).delete(queue)

        done = effects(env)
        assert done["notifications"] == REPLIES
        assert done["ledger_entries"] == REPLIES
        assert done["points"] == 10 * REPLIES
        assert count("SELECT count(*) FROM search_searchdocument") == REPLIES + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int, log_path: Path) -> subprocess.Popen:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server).")
    server = subprocess.Popen(
        [executable, "--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return server
        except redis.RedisError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail("The test's own redis-server did not start:\n" + log_path.read_text())
            time.sleep(0.05)


def test_a_reply_while_the_broker_is_down_is_saved_and_its_effects_arrive_once_it_is_back(
    tmp_path,
):
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    queue = f"flywheel-delivery-outage-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    redis_log = tmp_path / "redis.log"
    with worker_database(tmp_path) as (database_url, count):
        env = environment(database_url, broker_url, queue, tmp_path)
        django_run(env, "-m", "django", "migrate", "--no-input", "-v", "0")
        server = start_redis(port, redis_log)
        worker = None
        try:
            # Redis stops: the member's reply finds no broker.
            server.terminate()
            server.wait(timeout=10)
            answer = json.loads(
                django_run(env, "-m", "tests.core.delivery_worker_driver", "reply")
                .strip()
                .splitlines()[-1]
            )
            answer.pop("seconds")  # how long the member waited (not asserted: no timings)
            assert answer == {"status": 200, "saved": True}
            before = effects(env)
            assert (before["notifications"], before["points"]) == (0, 0)
            assert before["undelivered"] > 0

            server = start_redis(port, redis_log)
            # (A worker started now, not one left reconnecting with its growing backoff.)
            worker = start_worker(env, queue, log_path)
            django_run(env, "-m", "django", "activity", "sweep")
            wait_for(
                lambda: effects(env)["undelivered"] == 0,
                timeout=90,
                what="the deliveries after Redis came back",
                log_path=log_path,
            )
        finally:
            if worker is not None:
                stop(worker)
            stop(server)
        after = effects(env)
        assert after["notifications"] == 1
        assert (after["ledger_entries"], after["points"]) == (1, 10)
