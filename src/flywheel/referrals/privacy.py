"""Referrals in a member's data export, and their erasure (core.hooks privacy hooks).

Registered in ReferralsConfig.ready() as "referrals". Erasure deletes the member's codes
(and with them their clicks and the referrals they made) and unlinks them from a referral
that brought them, whose stored e-mail is blanked (the canonical key stays, so the same
address cannot be referred twice for a second reward). Their held referrals' moderation
queue items are resolved, the device hashes kept for the same-device check deleted, and
the device hash their sign-up carried blanked. Store credit rows go with the referrals
(credit already issued stays in the shop, which holds it for its customer)."""

from flywheel.referrals.models import (
    AmbassadorApplication,
    OwnerDevice,
    Referral,
    ReferralCode,
    StoreCredit,
)


def export_referrals(member) -> dict:
    return {
        "codes": [
            {"code": code.code, "kind": code.kind, "created_at": code.created_at.isoformat()}
            for code in ReferralCode.objects.filter(member=member).order_by("pk")
        ],
        "referrals_made": [
            {
                "status": referral.status,
                "source": referral.source,
                "created_at": referral.created_at.isoformat(),
                "converted_at": referral.converted_at.isoformat()
                if referral.converted_at
                else None,
            }
            for referral in Referral.objects.filter(referrer=member).order_by("pk")
        ],
        "store_credit": [
            {
                "amount": str(credit.amount),
                "currency": credit.currency,
                "state": credit.state,
                "created_at": credit.created_at.isoformat(),
            }
            for credit in StoreCredit.objects.filter(member=member).order_by("pk")
        ],
        "ambassador_applications": [
            {
                "why": application.why,
                "social_profiles": application.social_profiles,
                "audience_size": application.audience_size,
                "status": application.status,
            }
            for application in AmbassadorApplication.objects.filter(member=member).order_by("pk")
        ],
    }


def erase_referrals(member, *, content: str) -> None:
    from flywheel.referrals.models import ReferralStatus
    from flywheel.referrals.queue import close_queue_item

    Referral.objects.filter(referred_member=member).update(
        referred_member=None, referred_email="", signup_device_hash="", signup_fingerprint=""
    )
    OwnerDevice.objects.filter(member=member).delete()
    # Their held referrals go with their codes: nothing is left to decide in the queue.
    for referral in Referral.objects.filter(referrer=member, status=ReferralStatus.HELD):
        close_queue_item(referral, by=None, resolution="erased")
    ReferralCode.objects.filter(member=member).delete()
    AmbassadorApplication.objects.filter(member=member).delete()
