"""The Activity fan-out as it was before deliveries (core/tasks.py up to the delivery
rows), kept only to measure it against the new path in bench/activity_deliveries.py: one
task hands the activity to every consumer in turn; a consumer that raises stops the rest.
It counts finished activities in Redis, since it leaves no row of its own to count."""

import os

import redis
from celery import shared_task

from flywheel.core.models import Activity

DONE_KEY = "flywheel:bench:legacy-fan-out-done:" + os.environ.get("FLYWHEEL_BENCH_QUEUE", "")


@shared_task(bind=True, max_retries=5, retry_backoff=True, name="bench.legacy_fan_out")
def legacy_fan_out(self, activity_id: int) -> int:
    from django.conf import settings

    from flywheel.core.services import activity_consumers

    activity = (
        Activity.objects.select_related("actor", "target_type", "space")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        return 0
    consumers = activity_consumers()
    for consumer in consumers.values():
        consumer(activity)
    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(DONE_KEY)
    return len(consumers)
