from celery import shared_task


@shared_task
def send_mention_emails(notification_ids: list[int]) -> int:
    from flywheel.notifications.emails import send_mention_emails as send

    return send(notification_ids)


@shared_task
def send_weekly_digests() -> int:
    from flywheel.notifications.emails import send_weekly_digests as send

    return send()
