from celery import shared_task

from flywheel.bridges import services


@shared_task(ignore_result=True)
def queue_event_reminders() -> int:
    """Every 5 minutes: public events starting within the hour, to the bridges carrying them."""
    return services.queue_event_reminders()
