"""Production settings for bench/activity_deliveries.py: tasks on the run's own Redis
queue, and the old single fan-out task (bench/activity_legacy.py) registered beside the
new delivery tasks so one worker runs both."""

import os

from flywheel.config.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("FLYWHEEL_BENCH_QUEUE", "celery")
CELERY_IMPORTS = [*CELERY_IMPORTS, "bench.activity_legacy"]  # noqa: F405
