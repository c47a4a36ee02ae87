from celery import shared_task


# SMTP and connection errors are OSErrors; already-sent mentions are never sent again.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_mention_emails(notification_ids: list[int]) -> int:
    from flywheel.notifications.emails import send_mention_emails as send

    return send(notification_ids)


@shared_task
def send_weekly_digests() -> int:
    """Run weekly by Celery beat (settings.CELERY_BEAT_SCHEDULE)."""
    from flywheel.notifications.emails import send_weekly_digests as send

    return send()
