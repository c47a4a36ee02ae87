"""Notification reads shared by the bell, the notifications page and the e-mails."""

from django.db.models import Q, QuerySet

from flywheel.notifications.models import Notification

BELL_SIZE = 8


def notifications_for(member) -> QuerySet[Notification]:
    """The member's notifications, newest first, without those about deleted topics."""
    return (
        Notification.objects.filter(recipient=member)
        .filter(Q(topic__isnull=True) | Q(topic__deleted_at__isnull=True))
        .select_related("actor", "topic", "post")
        .order_by("-created_at", "-id")
    )


def latest_for_bell(member) -> list[Notification]:
    return list(notifications_for(member)[:BELL_SIZE])
