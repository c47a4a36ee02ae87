"""Turns Activity log entries into notifications. Registered in hooks.activity_consumers."""

from flywheel.core.models import Activity


def notify_for_activity(activity: Activity) -> None:
    from flywheel.notifications.services import notify_for_activity as notify

    notify(activity)
