from celery import shared_task


@shared_task(ignore_result=True)
def update_rollups() -> dict:
    """Every few minutes: recompute the rollups of what changed since the last run."""
    from flywheel.analytics.services import update_rollups as update

    return update()
