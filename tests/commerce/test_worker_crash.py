"""A real Celery worker on Redis is killed (SIGKILL) in the middle of a batch of webhook
deliveries and started again: every order must end up processed exactly once.

The worker is a separate process, so it needs a database it can see: a fresh PostgreSQL
database on the server named by FLYWHEEL_TEST_DATABASE_URL when that is set, otherwise a
temporary SQLite file. Both are migrated here and dropped afterwards. Tasks are
acknowledged late (acks_late), so the message of the task the kill interrupted stays on the
broker and is handed out again; the delivery row lock and status make the repeat a no-op
if the first run had committed.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from tests import dbtemplate

pytestmark = pytest.mark.redis

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DELIVERIES = 120


def private_redis_url(variable: str, default_db: int) -> str:
    """A Redis database for one real-worker test alone: `variable` when set, else database
    `default_db` on the suite's server. CI sets it for the SQLite pass, which runs beside the
    PostgreSQL pass (docs/testing.md "CI"), so the two never share one."""
    explicit = os.environ.get(variable)
    if explicit:
        return explicit
    return urlunsplit(urlsplit(BASE_REDIS_URL)._replace(path=f"/{default_db}"))


def crash_test_redis_url() -> str:
    # Its own Redis database: the short visibility timeout must not hand out other tests'
    # unacknowledged messages early.
    return private_redis_url("FLYWHEEL_TEST_REDIS_CRASH_URL", 13)


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is unreachable at {url} ({error}).", pytrace=False)


@contextmanager
def worker_database(tmp_path):
    """(DATABASE_URL, count(sql) -> int) for a database the subprocesses can share.

    It starts as a copy of the suite's migrated template when there is one
    (tests/dbtemplate.py), so the tests' `migrate` has nothing left to apply."""
    server = os.environ.get("FLYWHEEL_TEST_DATABASE_URL")
    if server:
        import psycopg

        name = f"fw_commerce_crash_{uuid.uuid4().hex[:10]}"
        admin_url = server
        template = dbtemplate.postgres_template_clause(admin_url)
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{template}')
        url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))

        def count(sql: str) -> int:
            with psycopg.connect(url) as connection:
                return connection.execute(sql).fetchone()[0]

        try:
            yield url, count
        finally:
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "worker.sqlite3"
        dbtemplate.copy_sqlite_template(path)

        def count(sql: str) -> int:
            with sqlite3.connect(path, timeout=20) as connection:
                return connection.execute(sql).fetchone()[0]

        yield f"sqlite:///{path}", count


def celery_executable() -> str:
    beside_python = Path(sys.executable).with_name("celery")
    return str(beside_python if beside_python.exists() else REPO_ROOT / ".venv" / "bin" / "celery")


def start_worker(env, queue, log_path):
    log = log_path.open("a")
    return subprocess.Popen(
        [
            celery_executable(),
            "-A",
            "flywheel",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            f"--hostname={queue}-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, *, timeout: float, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log_path.read_text()}")


def test_a_worker_killed_mid_batch_and_restarted_processes_every_order_once(tmp_path):
    redis_url = crash_test_redis_url()
    require_redis(redis_url)
    queue = f"flywheel-commerce-crash-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    with worker_database(tmp_path) as (database_url, count):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tests.commerce.worker_settings",
            "FLYWHEEL_COMMERCE_TEST_QUEUE": queue,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "FLYWHEEL_TESTING": "1",
            "FLYWHEEL_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(REPO_ROOT),
        }
        python = sys.executable
        subprocess.run(
            [python, "-m", "django", "migrate", "--no-input", "-v", "0"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
        processed_sql = "SELECT count(*) FROM commerce_webhookdelivery WHERE status = 'processed'"
        worker = start_worker(env, queue, log_path)
        try:
            subprocess.run(
                [python, "-m", "tests.commerce.worker_driver", "seed", str(DELIVERIES)],
                cwd=REPO_ROOT,
                env=env,
                check=True,
            )
            wait_for(
                lambda: count(processed_sql) >= 20,
                timeout=60,
                what="the first orders",
                log_path=log_path,
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            processed_at_kill = count(processed_sql)
            assert processed_at_kill < DELIVERIES, "the kill came after the batch"

            worker = start_worker(env, queue, log_path)
            wait_for(
                lambda: count(processed_sql) == DELIVERIES,
                timeout=120,
                what="every delivery to be processed after the restart",
                log_path=log_path,
            )
        finally:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(timeout=5)
            redis.Redis.from_url(redis_url).delete(queue)

        assert count("SELECT count(*) FROM commerce_order") == DELIVERIES
        assert count("SELECT count(DISTINCT external_id) FROM commerce_order") == DELIVERIES
        assert count("SELECT count(*) FROM commerce_orderline") == 2 * DELIVERIES
        assert count("SELECT count(*) FROM commerce_customer") == 7
        total = count("SELECT CAST(ROUND(SUM(total) * 100) AS INTEGER) FROM commerce_order")
        assert Decimal(total) / 100 == Decimal("204.92") * DELIVERIES
        assert (
            count("SELECT count(*) FROM commerce_webhookdelivery WHERE status <> 'processed'") == 0
        )
