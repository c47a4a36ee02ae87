"""Badges earned from the Activity log. Named in settings.FLYWHEEL_ACTIVITY_CONSUMERS."""

from flywheel.core.models import Activity


def award_badges_for_activity(activity: Activity) -> None:
    from flywheel.badges.services import award_badges_for_activity as award

    award(activity)
