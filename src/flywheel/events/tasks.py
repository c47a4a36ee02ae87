"""Background work for events: the reminder e-mails (CELERY_BEAT_SCHEDULE, every 5 minutes)."""

from celery import shared_task


@shared_task(name="flywheel.events.tasks.send_event_reminders")
def send_event_reminders() -> dict[str, int]:
    from flywheel.events.services import send_event_reminders as send

    return send()
