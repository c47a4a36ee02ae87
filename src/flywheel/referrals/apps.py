from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "flywheel.referrals"
    label = "referrals"
    verbose_name = _("Referrals and ambassadors")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.referrals.consumers import (
            attribute_order,
            attribute_signup_for_activity,
            referral_cookie_for_sign_up,
        )
        from flywheel.referrals.privacy import erase_referrals, export_referrals
        from flywheel.referrals.queue import QUEUE_NAME, HeldReferrals
        from flywheel.referrals.senders import (
            send_store_credit,
            send_store_credit_withdrawal,
            send_welcome_code,
        )
        from flywheel.referrals.services import (
            STORE_CREDIT_KIND,
            STORE_CREDIT_WITHDRAWAL_KIND,
            WELCOME_CODE_KIND,
        )

        # The attribution cookie rides in the sign-up activity (the accounts adapter asks).
        hooks.sign_up_payloads.register(referral_cookie_for_sign_up, name="referrals.cookie")
        # A sign-up carrying the attribution cookie makes the new member a referred member.
        hooks.activity_consumers.register(
            attribute_signup_for_activity,
            name="flywheel.referrals.consumers.attribute_signup_for_activity",
        )
        # Every stored order, guests' included (they never reach the Activity log).
        hooks.order_changes.register(attribute_order, name="referrals.attribute_order")
        # Held referrals wait in the moderation queue, decided there by referral staff.
        hooks.review_targets.register(HeldReferrals(), name=QUEUE_NAME)
        # Codes, clicks, referrals and ambassador rows in exports; erasure (referrals/privacy.py).
        hooks.privacy_exporters.register(export_referrals, name="referrals")
        hooks.privacy_erasers.register(erase_referrals, name="referrals")
        # The friend's welcome code and the referrer's store credit go to the shop as
        # outbound messages (retried with backoff, dead-lettered with the shop's reason).
        hooks.outbound_senders.register(send_welcome_code, name=WELCOME_CODE_KIND)
        hooks.outbound_senders.register(send_store_credit, name=STORE_CREDIT_KIND)
        hooks.outbound_senders.register(
            send_store_credit_withdrawal, name=STORE_CREDIT_WITHDRAWAL_KIND
        )
