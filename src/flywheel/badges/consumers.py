"""Badges earned from the Activity log. Registered in hooks.activity_consumers."""

from flywheel.core.models import Activity


def award_badges_for_activity(activity: Activity) -> None:
    from flywheel.badges.services import award_badges_for_activity as award

    award(activity)
