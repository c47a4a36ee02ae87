"""Background work for the content calendar: publishing what is due (every minute, beat)."""

from celery import shared_task

from flywheel.programming.services import publish_due_calendar_items


@shared_task(name="flywheel.programming.tasks.publish_due_calendar_items")
def publish_due_calendar_items_task() -> int:
    return publish_due_calendar_items()
