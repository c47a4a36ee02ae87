"""The referrals app's consumers: of the Activity log (hooks.activity_consumers) and of stored
store orders (hooks.order_changes); registered in apps.py."""

from flywheel.core import hooks
from flywheel.core.models import Activity, Verb


def attribute_signup_for_activity(activity: Activity) -> None:
    """A `member_signed_up` whose payload carries the attribution cookie (put there by the
    accounts adapter) makes the new member a referred member."""
    if activity.verb != Verb.MEMBER_SIGNED_UP or activity.actor_id is None:
        return
    token = (activity.payload or {}).get("referral_token") or ""
    if not token:
        return
    from flywheel.referrals.services import attribute_signup

    attribute_signup(member=activity.actor, token=token)


def attribute_order(change: hooks.OrderChanged) -> None:
    """Hand the order to the referrals task (through the broker; eager in tests)."""
    from flywheel.referrals.tasks import attribute_order_task

    attribute_order_task.delay(change.order_id)
