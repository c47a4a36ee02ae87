"""Notification reads shared by the bell, the notifications page and the e-mails."""

from django.db.models import Q, QuerySet

from flywheel.community import permissions
from flywheel.notifications.models import Notification

BELL_SIZE = 8


def about_what_they_may_see(member) -> Q:
    """Notifications about something the member may still see (the rules of
    community.permissions): none about a deleted topic, a space they can no longer read, or a
    held, hidden or rejected topic or post. Moderation's own notices to the author of what it
    held or removed stay: they are about the member's own words, and say what happened."""
    return (
        Q(topic__isnull=True)
        | (
            permissions.visible_topics_q(member, topic="topic__", space="topic__space")
            & (Q(post__isnull=True) | ~Q(post__in=permissions.hidden_post_ids()))
        )
        | Q(
            kind__startswith="mod_",
            topic__deleted_at__isnull=True,
        )
    )


def notifications_for(member) -> QuerySet[Notification]:
    """The member's notifications about what they may still see, newest first."""
    return (
        Notification.objects.filter(recipient=member)
        .filter(about_what_they_may_see(member))
        .select_related("actor", "topic", "post", "activity")
        .order_by("-created_at", "-id")
    )
