"""Production settings for bench/referrals.py: the baseline task's app (bench.baseline) on,
tasks on the run's own Redis queue."""

import os

from flywheel.config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline"]  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("FLYWHEEL_BENCH_QUEUE", "celery")
