"""The referrals app's outbound senders (hooks.outbound_senders, registered in apps.py): the
friend's welcome code and the referrer's store credit, each created in the shop through its
adapter, and the withdrawal of store credit whose referral was rejected afterwards, and retried by core.outbound (backoff, then the dead-letter list) when the shop
refuses or fails. What each shop answer means:

- a rate limit that outlasted the adapter's own waits → RetryLater (not counted as a failure);
- a request no retry can fix (an invalid discount) → Rejected (dead at once, reason kept);
- anything else (4xx, 5xx, unreachable, bad credentials) → retried with backoff and
  dead-lettered after core.services.MAX_ATTEMPTS, with the shop's words as the reason.
"""

from __future__ import annotations

from flywheel.commerce.adapters.errors import (
    InvalidDiscount,
    StoreCreditNotSupported,
    StoreRateLimited,
)
from flywheel.core.exceptions import InvalidInput
from flywheel.core.models import OutboundMessage
from flywheel.core.outbound import Rejected, RetryLater

RATE_LIMIT_WAIT_SECONDS = 60


def send_welcome_code(message: OutboundMessage) -> None:
    from flywheel.referrals.services import create_friend_code_in_shop

    try:
        create_friend_code_in_shop(referral_id=int(message.payload["referral_id"]))
    except StoreRateLimited as error:
        raise RetryLater(RATE_LIMIT_WAIT_SECONDS, str(error)) from error
    except (InvalidDiscount, InvalidInput) as error:
        raise Rejected(str(error)) from error


def send_store_credit(message: OutboundMessage) -> None:
    from flywheel.referrals.services import issue_store_credit_in_shop

    try:
        issue_store_credit_in_shop(credit_id=int(message.payload["store_credit_id"]))
    except StoreRateLimited as error:
        raise RetryLater(RATE_LIMIT_WAIT_SECONDS, str(error)) from error


def send_store_credit_withdrawal(message: OutboundMessage) -> None:
    from flywheel.referrals.services import withdraw_store_credit_in_shop

    try:
        withdraw_store_credit_in_shop(credit_id=int(message.payload["store_credit_id"]))
    except StoreRateLimited as error:
        raise RetryLater(RATE_LIMIT_WAIT_SECONDS, str(error)) from error
    except (StoreCreditNotSupported, InvalidInput) as error:
        raise Rejected(str(error)) from error
