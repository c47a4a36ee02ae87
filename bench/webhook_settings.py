"""Production settings for bench/webhooks.py: the baseline endpoint on, tasks on the run's
own Redis queue."""

import os

from flywheel.config.settings import *  # noqa: F403

# The baseline endpoint /bench/store-body and its table exist only under these settings.
ROOT_URLCONF = "bench.webhook_urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline"]  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("FLYWHEEL_BENCH_QUEUE", "celery")
# bench/webhooks.py --batch-size: deliveries per process_inbox transaction.
FLYWHEEL_WEBHOOK_BATCH_SIZE = int(os.environ.get("FLYWHEEL_WEBHOOK_BATCH_SIZE", "25"))
