from celery import shared_task


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def attribute_order_task(self, order_id: int) -> None:
    from flywheel.referrals.services import attribute_order

    attribute_order(order_id)


@shared_task
def approve_matured_referrals_task() -> int:
    from flywheel.referrals.services import approve_matured_referrals

    return approve_matured_referrals()


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def issue_friend_code_task(self, referral_id: int) -> str:
    """Kept for tasks queued before welcome codes became outbound messages: it now only
    queues the message (services.issue_friend_code)."""
    from flywheel.referrals.services import issue_friend_code

    return issue_friend_code(referral_id=referral_id)
