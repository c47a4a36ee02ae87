"""Periodic rewards work (scheduled in settings.CELERY_BEAT_SCHEDULE); each calls a service."""

from celery import shared_task
from django.utils import timezone

from flywheel.rewards import services
from flywheel.rewards.models import TierPromotion

MAX_ENTRY_REWARD_ATTEMPTS = 10


@shared_task
def approve_matured_points() -> int:
    """Order points whose refund window has passed become spendable."""
    return services.approve_matured_points()


@shared_task
def expire_points_and_warn() -> dict:
    """Warn (30 days, then 7 days ahead), then expire points left idle too long."""
    now = timezone.now()
    return {
        "warned": services.send_expiry_warnings(now=now),
        "expired": services.expire_points(now=now),
    }


@shared_task
def evaluate_tiers() -> dict:
    promoted, demoted = services.evaluate_tiers()
    return {"promoted": promoted, "demoted": demoted}


@shared_task(bind=True, max_retries=3, retry_backoff=True)
def issue_entry_reward(self, promotion_id: int) -> str:
    return services.issue_entry_reward(promotion_id).reward_status


@shared_task(bind=True, max_retries=3, retry_backoff=True)
def sync_standing_discount(self, member_id: int) -> str:
    """After a tier change: delete the member's retired standing code in the shop and
    create the new one."""
    discount = services.sync_standing_discount(member_id)
    return discount.status if discount is not None else "none"


@shared_task
def retry_entry_rewards() -> int:
    """Store codes not done yet (no store connected, shop down): entry rewards, standing
    discount codes to create or to delete, and standing discounts that no longer match
    the member's tier (staff changed the tier's percentage). Returns how many were tried."""
    ids = list(
        TierPromotion.objects.filter(
            reward_status=TierPromotion.RewardStatus.PENDING,
            reward_attempts__lt=MAX_ENTRY_REWARD_ATTEMPTS,
        ).values_list("pk", flat=True)
    )
    for promotion_id in ids:
        services.issue_entry_reward(promotion_id)
    members = services.standing_discounts_to_sync()
    for member_id in members:
        services.reconcile_standing_discount(member_id)
    return len(ids) + len(members)
