from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_data_export(export_id: int) -> str:
    """Build one member's data export zip and e-mail them the download link."""
    from flywheel.privacy.services import build_data_export as build

    export = build(export_id=export_id)
    return export.status if export else "missing"


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def run_erasure(self, erasure_id: int) -> str:
    """Erase the member behind one erasure request."""
    from flywheel.privacy.services import run_erasure_request

    erasure = run_erasure_request(erasure_id=erasure_id)
    return erasure.status if erasure else "missing"


@shared_task
def apply_retention_policy() -> dict:
    """Daily (settings.CELERY_BEAT_SCHEDULE): drop old IP hashes, read notifications, exports."""
    from flywheel.privacy.services import apply_retention_policy as apply

    return apply()
