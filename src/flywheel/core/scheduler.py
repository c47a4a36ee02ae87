"""Periodic work on the embedded default: settings.CELERY_BEAT_SCHEDULE, run by the web process.

Without a broker (no REDIS_URL) tasks already run in-process, so there is no worker and no
`celery beat` to send the daily and hourly work (digests, maturing points, trust promotion,
tier checks, store reconciliation, retention). Instead the web process runs that schedule in
a background thread (flywheel.wsgi and flywheel.asgi start it). A lock file in DATA_DIR makes
sure only one process of the machine runs it however many serve requests; the others keep
trying, so one takes over if the holder stops. When each entry last ran is kept in a small JSON
file beside it, so a restart neither repeats nor skips work.

As with Celery beat, an entry first runs one interval after it is first seen, and the run is
recorded before the task starts, so a task that fails is retried at its next turn rather than
in a tight loop. With Redis configured this stays off: deployments run `celery beat`.
"""

import copy
import datetime
import fcntl
import functools
import json
import logging
import os
import threading
from pathlib import Path

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

LOCK_NAME = "scheduler.lock"
STATE_NAME = "scheduler-state.json"
TICK_SECONDS = 30.0

_started: threading.Thread | None = None
_start_lock = threading.Lock()


@functools.cache
def _celery_app():
    from flywheel.celery import app

    # Registers every task module (apps' tasks.py and CELERY_IMPORTS), as a worker would.
    app.loader.import_default_modules()
    return app


def _read_state(path: Path) -> dict[str, datetime.datetime]:
    try:
        raw = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {name: datetime.datetime.fromisoformat(at) for name, at in raw.items()}


def _write_state(path: Path, state: dict[str, datetime.datetime]) -> None:
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text(json.dumps({name: at.isoformat() for name, at in state.items()}))
    os.replace(draft, path)


def run_due_tasks(
    *, schedule: dict, state_path: Path, now: datetime.datetime | None = None
) -> list[str]:
    """Run every entry of `schedule` (CELERY_BEAT_SCHEDULE's shape) that is due, here and now;
    returns the names of those that ran. An entry never seen before is only noted."""
    now = now or timezone.now()
    app = _celery_app()
    state = _read_state(state_path)
    seen = dict(state)
    due = []
    for name, entry in schedule.items():
        last_run = state.get(name)
        if last_run is None:
            state[name] = now
            continue
        # A copy: a crontab in the settings is shared, and this clock is only for this pass.
        timing = copy.copy(maybe_schedule(entry["schedule"], app=app))
        timing.nowfun = lambda: now
        if timing.is_due(last_run).is_due:
            state[name] = now
            due.append(name)
    if state != seen:
        _write_state(state_path, state)
    for name in due:
        entry = schedule[name]
        logger.info("Running scheduled task %s (%s)", name, entry["task"])
        try:
            app.tasks[entry["task"]].apply(
                args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=True
            )
        except Exception:
            # One failing task must not stop the others or the scheduler.
            logger.exception("Scheduled task %s failed", name)
    return due


def _hold_lock(path: Path):
    """An open file holding an exclusive lock on `path`, or None if another process has it."""
    file = open(path, "a")  # noqa: SIM115 - kept open for as long as the lock is held
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        file.close()
        return None
    return file


def _run_forever(*, schedule: dict, data_dir: Path, tick_seconds: float, stop) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = None
    while not stop.is_set():
        try:
            lock = lock or _hold_lock(data_dir / LOCK_NAME)
            if lock is not None:
                run_due_tasks(schedule=schedule, state_path=data_dir / STATE_NAME)
        except Exception:
            logger.exception("The embedded scheduler failed to run its schedule")
        finally:
            # This thread's own connection: closed between runs, as a request's would be.
            close_old_connections()
        stop.wait(tick_seconds)
    connections.close_all()
    if lock is not None:
        lock.close()


def start_embedded_scheduler(
    *,
    schedule: dict | None = None,
    data_dir: Path | None = None,
    tick_seconds: float = TICK_SECONDS,
    stop: threading.Event | None = None,
) -> threading.Thread | None:
    """Start the background thread that runs the periodic schedule, once per process, when
    settings.FLYWHEEL_EMBEDDED_SCHEDULER is on (tasks run in-process: no broker)."""
    global _started
    if not settings.FLYWHEEL_EMBEDDED_SCHEDULER:
        return None
    with _start_lock:
        if _started is not None and _started.is_alive():
            return _started
        thread = threading.Thread(
            target=_run_forever,
            kwargs={
                "schedule": settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule,
                "data_dir": settings.DATA_DIR if data_dir is None else data_dir,
                "tick_seconds": tick_seconds,
                "stop": stop or threading.Event(),
            },
            name="flywheel-embedded-scheduler",
            daemon=True,
        )
        thread.start()
        _started = thread
        return thread
