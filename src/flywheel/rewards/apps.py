from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "flywheel.rewards"
    label = "rewards"
    verbose_name = _("Rewards and loyalty")

    def ready(self) -> None:
        from flywheel.community.permissions import GATE_CHECKS
        from flywheel.rewards.permissions import passes_rewards_gate

        # VIP tiers and early-access perks open gated spaces.
        if passes_rewards_gate not in GATE_CHECKS:
            GATE_CHECKS.append(passes_rewards_gate)
        register_privacy_handlers()


def register_privacy_handlers() -> None:
    """Points, redemptions and nominations in data exports; erasure keeps the immutable
    ledger on the tombstone without identity (rewards/privacy.py says what and why)."""
    from flywheel.privacy.registry import register_eraser, register_exporter
    from flywheel.rewards.privacy import erase_rewards, export_rewards

    register_exporter("rewards", export_rewards)
    register_eraser("rewards", erase_rewards)
