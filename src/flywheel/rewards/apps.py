from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "flywheel.rewards"
    label = "rewards"
    verbose_name = _("Rewards and loyalty")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.rewards.consumers import apply_rules_for_activity
        from flywheel.rewards.permissions import passes_rewards_gate
        from flywheel.rewards.privacy import erase_rewards, export_rewards

        # VIP tiers and early-access perks open gated spaces.
        hooks.gate_checks.register(passes_rewards_gate, name="rewards.tier_or_perk")
        hooks.activity_consumers.register(
            apply_rules_for_activity, name="flywheel.rewards.consumers.apply_rules_for_activity"
        )
        # Points, redemptions and nominations in data exports; erasure keeps the immutable
        # ledger on the tombstone without identity (rewards/privacy.py says what and why).
        hooks.privacy_exporters.register(export_rewards, name="rewards")
        hooks.privacy_erasers.register(erase_rewards, name="rewards")
