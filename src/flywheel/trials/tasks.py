"""Background work for trials: the feedback reminder e-mails (CELERY_BEAT_SCHEDULE, hourly)."""

from celery import shared_task


@shared_task(name="flywheel.trials.tasks.send_feedback_reminders")
def send_feedback_reminders() -> dict[str, int]:
    from flywheel.trials.services import send_feedback_reminders as send

    return send()
