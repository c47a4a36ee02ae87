"""The rewards consumer of the Activity log (registered in hooks.activity_consumers)."""

from flywheel.core.models import Activity
from flywheel.rewards.rules import apply_rules_for_activity as _apply


def apply_rules_for_activity(activity: Activity) -> None:
    """Award (or reverse) points for one activity; idempotent, so replays are harmless."""
    _apply(activity)
