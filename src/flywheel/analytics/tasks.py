from celery import shared_task


@shared_task(ignore_result=True)
def update_rollups() -> dict:
    """Every few minutes: recompute the rollups of what changed since the last run."""
    from flywheel.analytics.services import update_rollups as update

    return update()


@shared_task(ignore_result=True)
def send_weekly_staff_report() -> dict:
    """Mondays: last week's headline figures to the brand team (once per week and person)."""
    from flywheel.analytics.services import send_weekly_staff_report as send

    result = send()
    return {key: value for key, value in result.items() if key != "messages"}


@shared_task(ignore_result=True)
def flush_topic_reads() -> int:
    """Every minute: the topic views counted in the cache become TopicReadDay rows."""
    from flywheel.analytics.reads import flush_topic_reads as flush

    return flush()
