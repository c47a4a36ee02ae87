"""The referrals app's consumers: of sign-up requests (hooks.sign_up_payloads), of the Activity
log (hooks.activity_consumers) and of stored store orders (hooks.order_changes); registered in
apps.py."""

from flywheel.core import hooks
from flywheel.core.models import Activity, Verb


def referral_cookie_for_sign_up(request, member) -> dict | None:
    """hooks.sign_up_payloads: the share link's attribution cookie (a signed click id,
    opaque) goes into the new member's `member_signed_up` activity."""
    from flywheel.moderation.services import hash_ip
    from flywheel.referrals.services import (
        cookie_name,
        device_cookie_name,
        fingerprint,
        hash_device,
    )

    cookies = getattr(request, "COOKIES", None) or {}
    token = cookies.get(cookie_name(), "")
    if not token:
        return None
    meta = getattr(request, "META", None) or {}
    # The device it signed up from, as keyed hashes only (fraud.check_same_device).
    return {
        "referral_token": token[:300],
        "referral_device": hash_device(cookies.get(device_cookie_name(), "")),
        "referral_fingerprint": fingerprint(
            ip_hash=hash_ip(meta.get("REMOTE_ADDR")), user_agent=meta.get("HTTP_USER_AGENT", "")
        ),
    }


def attribute_signup_for_activity(activity: Activity) -> None:
    """A `member_signed_up` whose payload carries the attribution cookie (put there by
    referral_cookie_for_sign_up) makes the new member a referred member."""
    if activity.verb != Verb.MEMBER_SIGNED_UP or activity.actor_id is None:
        return
    token = (activity.payload or {}).get("referral_token") or ""
    if not token:
        return
    from flywheel.referrals.services import attribute_signup

    payload = activity.payload or {}
    attribute_signup(
        member=activity.actor,
        token=token,
        device_hash=str(payload.get("referral_device") or ""),
        fingerprint=str(payload.get("referral_fingerprint") or ""),
    )


def attribute_order(change: hooks.OrderChanged) -> None:
    """Hand the order to the batched attribution (tasks.queue_order_attribution: a Redis
    sorted set drained by one task per batch; a task per order without a Redis broker)."""
    from flywheel.referrals.tasks import queue_order_attribution

    queue_order_attribution(change.order_id)
