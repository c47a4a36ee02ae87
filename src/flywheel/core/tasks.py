from celery import shared_task

from flywheel.core.models import Activity


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def fan_out_activity(self, activity_id: int) -> int:
    """Hand one logged activity to every registered consumer (core.services.activity_consumers)."""
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
    return len(consumers)


@shared_task
def ping() -> str:
    """Answers through the broker; used to prove the worker path end to end."""
    return "pong"
