"""Settings for the crash test's worker and driver subprocesses (test_worker_crash.py):
the test settings, tasks routed to the test's own queue, and unacknowledged messages of a
killed worker handed out again after 3 s instead of the default hour."""

import os

from flywheel.config.test_settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["FLYWHEEL_COMMERCE_TEST_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    # Sweep for abandoned messages every second (kombu's default is about 100 s).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Deliveries per process_inbox transaction (small in tests, so that a run has many).
FLYWHEEL_WEBHOOK_BATCH_SIZE = int(os.environ.get("FLYWHEEL_WEBHOOK_BATCH_SIZE", "25"))
