"""Held referrals in the moderation queue (hooks.review_targets, registered in apps.py).

A referral the fraud rules hold opens a moderation queue item with the reasons; staff who
handle money (fraud.is_staff: not every moderator) see it there and approve or reject it, as
on the referrals staff page. Either way the other place is kept in step."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from flywheel.referrals import fraud
from flywheel.referrals.models import Referral

QUEUE_NAME = "referrals.referral"


def open_queue_item(referral: Referral) -> None:
    """Put a held referral in the moderation queue with its reasons, in the site's language
    (the queue stores reasons as text)."""
    from flywheel.moderation.services import open_review_item

    with translation.override(settings.LANGUAGE_CODE):
        reasons = [str(fraud.REASON_LABELS.get(code, code)) for code in referral.reasons]
    for reason in reasons or [""]:
        open_review_item(target=referral, reason=reason)


def close_queue_item(referral: Referral, *, by, resolution: str) -> None:
    from flywheel.moderation.services import resolve_review_items

    resolve_review_items(target=referral, by=by, resolution=resolution)


class HeldReferrals:
    """hooks.review_targets: what the queue calls a held referral and who decides it."""

    label = _("Held referral")

    def may_decide(self, user) -> bool:
        return bool(user.is_authenticated and fraud.is_staff(user))

    def decide(self, *, target_id: int, approve: bool, by, reason: str) -> None:
        from flywheel.referrals import services
        from flywheel.referrals.models import ReferralStatus

        referral = Referral.objects.filter(pk=target_id).first()
        if referral is None:
            return  # erased with its referrer's codes: nothing left to decide
        if approve:
            if referral.status == ReferralStatus.HELD:
                services.approve_held_referral(referral=referral, by=by)
        else:
            services.reject_referral(referral=referral, by=by)
