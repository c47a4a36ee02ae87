"""The referrals app's consumers: of the Activity log (settings.FLYWHEEL_ACTIVITY_CONSUMERS)
and of stored store orders (settings.FLYWHEEL_ORDER_CONSUMERS)."""

from flywheel.core.models import Activity


def attribute_signup_for_activity(activity: Activity) -> None:
    """A `member_signed_up` whose payload carries the attribution cookie (put there by the
    accounts adapter) makes the new member a referred member."""
    if activity.verb != "member_signed_up" or activity.actor_id is None:
        return
    token = (activity.payload or {}).get("referral_token") or ""
    if not token:
        return
    from flywheel.referrals.services import attribute_signup

    attribute_signup(member=activity.actor, token=token)


def attribute_order(order_id: int) -> None:
    """Hand the order to the referrals task (through the broker; eager in tests)."""
    from flywheel.referrals.tasks import attribute_order_task

    attribute_order_task.delay(order_id)
