"""The periodic schedule on the embedded default (no Redis, no worker, no beat): the web process
runs the due entries of CELERY_BEAT_SCHEDULE itself (flywheel.core.scheduler)."""

import datetime
import fcntl
import threading
import time

import pytest
from django.conf import settings
from django.utils import timezone

from flywheel.core import scheduler
from flywheel.notifications.models import Notification, NotificationKind

RETENTION = {
    "privacy-retention": {
        "task": "flywheel.privacy.tasks.apply_retention_policy",
        "schedule": 60 * 60 * 24,
    }
}


def old_read_notification(member) -> Notification:
    long_ago = timezone.now() - datetime.timedelta(days=settings.FLYWHEEL_RETENTION_DAYS + 20)
    return Notification.objects.create(
        recipient=member, kind=NotificationKind.MENTION, created_at=long_ago, read_at=long_ago
    )


def state_with(path, **last_runs: datetime.datetime) -> None:
    scheduler._write_state(path, last_runs)


def test_the_schedule_is_the_one_celery_beat_would_run():
    assert "privacy-retention" in settings.CELERY_BEAT_SCHEDULE
    assert (
        settings.CELERY_BEAT_SCHEDULE["privacy-retention"]["task"]
        == RETENTION["privacy-retention"]["task"]
    )


def test_a_task_whose_day_has_come_runs(db, member, tmp_path):
    notification = old_read_notification(member)
    now = timezone.now()
    state = tmp_path / "state.json"
    state_with(state, **{"privacy-retention": now - datetime.timedelta(days=1, minutes=1)})

    ran = scheduler.run_due_tasks(schedule=RETENTION, state_path=state, now=now)

    assert ran == ["privacy-retention"]
    assert not Notification.objects.filter(pk=notification.pk).exists()
    assert scheduler._read_state(state) == {"privacy-retention": now}


def test_a_task_that_ran_within_its_interval_waits(db, member, tmp_path):
    notification = old_read_notification(member)
    now = timezone.now()
    state = tmp_path / "state.json"
    state_with(state, **{"privacy-retention": now - datetime.timedelta(hours=23)})

    assert scheduler.run_due_tasks(schedule=RETENTION, state_path=state, now=now) == []
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_a_new_entry_first_runs_one_interval_after_it_is_first_seen(db, member, tmp_path):
    notification = old_read_notification(member)
    now = timezone.now()
    state = tmp_path / "state.json"

    assert scheduler.run_due_tasks(schedule=RETENTION, state_path=state, now=now) == []
    assert Notification.objects.filter(pk=notification.pk).exists()
    later = now + datetime.timedelta(days=1)
    assert scheduler.run_due_tasks(schedule=RETENTION, state_path=state, now=later) == [
        "privacy-retention"
    ]
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_a_failing_task_does_not_stop_the_others(db, member, tmp_path):
    notification = old_read_notification(member)
    now = timezone.now()
    schedule = {
        "broken": {"task": "flywheel.trust.tasks.record_visit", "schedule": 60},  # no args
        **RETENTION,
    }
    state = tmp_path / "state.json"
    long_ago = now - datetime.timedelta(days=2)
    state_with(state, broken=long_ago, **{"privacy-retention": long_ago})

    assert scheduler.run_due_tasks(schedule=schedule, state_path=state, now=now) == [
        "broken",
        "privacy-retention",
    ]
    assert not Notification.objects.filter(pk=notification.pk).exists()
    # Both count as run: the broken one tries again at its next turn, not in a tight loop.
    assert scheduler._read_state(state) == {"broken": now, "privacy-retention": now}


def test_only_one_process_runs_the_schedule(tmp_path):
    holder = scheduler._hold_lock(tmp_path / scheduler.LOCK_NAME)
    assert holder is not None
    try:
        assert scheduler._hold_lock(tmp_path / scheduler.LOCK_NAME) is None
    finally:
        holder.close()
    assert scheduler._hold_lock(tmp_path / scheduler.LOCK_NAME) is not None


def test_the_scheduler_is_off_when_a_broker_runs_celery_beat(settings):
    settings.FLYWHEEL_EMBEDDED_SCHEDULER = False
    assert scheduler.start_embedded_scheduler(schedule=RETENTION) is None


@pytest.mark.django_db(transaction=True)
def test_the_web_process_runs_a_due_periodic_task_in_the_background(member, tmp_path, settings):
    """The whole path with a shortened schedule: a thread, the lock, the state file."""
    settings.FLYWHEEL_EMBEDDED_SCHEDULER = True
    notification = old_read_notification(member)
    schedule = {"privacy-retention": {**RETENTION["privacy-retention"], "schedule": 0.2}}
    stop = threading.Event()

    thread = scheduler.start_embedded_scheduler(
        schedule=schedule, data_dir=tmp_path, tick_seconds=0.05, stop=stop
    )
    try:
        for _attempt in range(600):
            if not Notification.objects.filter(pk=notification.pk).exists():
                break
            time.sleep(0.05)
        assert not Notification.objects.filter(pk=notification.pk).exists()
        # The lock is held while it runs: a second process would not run the schedule.
        with open(tmp_path / scheduler.LOCK_NAME) as other:
            with pytest.raises(OSError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
