"""Settings for the worker and driver subprocesses of the delivery tests
(test_delivery_workers.py): the test settings, tasks on the test's own queue, a killed
worker's unacknowledged messages handed out again after 3 s instead of an hour, and the
sweep's grace for never-dispatched deliveries shortened to a second."""

import os

from flywheel.config.test_settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["FLYWHEEL_DELIVERY_TEST_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
FLYWHEEL_ACTIVITY_DISPATCH_GRACE_SECONDS = 1
# The driver's `reply` goes through the Django test client outside pytest.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
