"""A member's notifications in their data export, and their erasure (registered in
NotificationsConfig.ready())."""

from flywheel.core import hooks
from flywheel.notifications.models import Notification


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_notifications(member) -> list[dict]:
    notifications = Notification.objects.filter(recipient=member).select_related("actor", "topic")
    return [
        {
            "kind": notification.kind,
            "actor": notification.actor.handle if notification.actor_id else None,
            "topic_id": notification.topic_id,
            "topic_title": notification.topic.title if notification.topic_id else None,
            "post_id": notification.post_id,
            "created_at": _iso(notification.created_at),
            "read_at": _iso(notification.read_at),
        }
        for notification in notifications.order_by("pk")
    ]


def erase_notifications(member, *, content: str) -> None:
    Notification.objects.filter(recipient=member).delete()
    Notification.objects.filter(actor=member).update(actor=None)


def register_privacy_handlers() -> None:
    hooks.privacy_exporters.register(export_notifications, name="notifications")
    hooks.privacy_erasers.register(
        erase_notifications, name="notifications", order=hooks.ERASE_LAST
    )
