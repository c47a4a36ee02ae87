"""Proves a task really travels through the Redis broker to a separate worker process."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery

pytestmark = pytest.mark.redis

REPO_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> None:
    """Redis runs on every machine here and in CI, so a missing one is a failure, not a skip."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        where = "in CI (check the redis service)" if os.environ.get("CI") == "true" else "here"
        pytest.fail(
            f"Redis is unreachable at {REDIS_URL} {where} ({error}). Start it "
            "(e.g. `redis-server --daemonize yes`) or set FLYWHEEL_TEST_REDIS_URL.",
            pytrace=False,
        )


def celery_executable() -> str:
    beside_python = Path(sys.executable).with_name("celery")
    return str(beside_python if beside_python.exists() else REPO_ROOT / ".venv" / "bin" / "celery")


def test_the_ping_task_runs_in_a_real_worker_through_redis(tmp_path):
    require_redis()
    queue = f"flywheel-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "FLYWHEEL_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "flywheel.config.test_settings",
        "FLYWHEEL_DATA_DIR": str(tmp_path),
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(  # noqa: S603 - a fixed command line, no shell
            [
                celery_executable(),
                "-A",
                "flywheel",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname={queue}@%h",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    client = Celery("flywheel-test-client", broker=REDIS_URL, backend=REDIS_URL)
    try:
        result = client.send_task("flywheel.core.tasks.ping", queue=queue)
        try:
            # A liveness ceiling, not a timing: a worker starting on a loaded 2-core CI
            # machine once needed more than 30 s before it took its first task.
            answer = result.get(timeout=120)
        except Exception as error:
            pytest.fail(
                f"No answer from the worker through Redis ({error!r}). Worker log:\n"
                + log_path.read_text(),
                pytrace=False,
            )
        assert answer == "pong"
        assert result.successful()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        client.close()
