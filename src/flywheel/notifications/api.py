"""JSON API for the caller's notifications: list, unread count, mark read."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from flywheel.api.auth import member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, MemberSummary, ObjectId, member_summary
from flywheel.notifications import queries, services
from flywheel.notifications.models import Notification, NotificationKind

router = Router(tags=["notifications"])

NOTIFICATION_ORDERING = ("-created_at", "-id")


class NotificationTopicOut(Schema):
    id: int
    title: str
    url: str


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    summary: str = Field(description="What happened, e.g. `replied to your post`.")
    actor: MemberSummary | None
    topic: NotificationTopicOut | None
    post_id: int | None
    url: str | None = Field(description="Where to read it on the site.")
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationFilters(PageParams):
    unread: bool = Field(False, description="Only notifications not read yet.")


class UnreadCountOut(Schema):
    unread_count: int


class MarkReadIn(Schema):
    ids: list[ObjectId] | None = Field(
        None, max_length=500, description="Notifications to mark read; leave out to mark all."
    )


class MarkReadOut(Schema):
    marked: int = Field(description="How many notifications were newly marked read.")
    unread_count: int


def notifications_for(user) -> QuerySet[Notification]:
    """The member's notifications about things they can still see (as the bell and page)."""
    return queries.notifications_for(user)


def _notification_out(notification: Notification) -> dict:
    topic = notification.topic
    post = notification.post
    url = notification.link or None
    if topic is not None:
        url = topic.get_absolute_url()
        if post is not None and post.number > 1:
            url = f"{url}#post-{post.number}"
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "summary": notification.summary or str(notification.get_kind_display()),
        "actor": member_summary(notification.actor),
        "topic": (
            {"id": topic.pk, "title": topic.title, "url": topic.get_absolute_url()}
            if topic is not None
            else None
        ),
        "post_id": notification.post_id,
        "url": url,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "is_read": notification.read_at is not None,
    }


@router.get(
    "",
    response={200: NotificationPage, **READ_ERRORS},
    auth=member_required,
    summary="List my notifications",
)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]):
    """Newest first."""
    queryset = notifications_for(viewer(request))
    if filters.unread:
        queryset = queryset.filter(read_at__isnull=True)
    result = paginate(
        queryset, ordering=NOTIFICATION_ORDERING, cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [_notification_out(n) for n in result.items],
        "next_cursor": result.next_cursor,
    }


@router.get(
    "/unread-count",
    response={200: UnreadCountOut, **READ_ERRORS},
    auth=member_required,
    summary="Count my unread notifications",
)
def unread_count(request: HttpRequest):
    return {"unread_count": services.unread_count(viewer(request))}


@router.post(
    "/read",
    response={200: MarkReadOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Mark notifications read",
)
def mark_read(request: HttpRequest, payload: MarkReadIn):
    """Mark the given notifications (only the caller's own), or all of them, read."""
    user = viewer(request)
    marked = services.mark_read(member=user, notification_ids=payload.ids)
    return {"marked": marked, "unread_count": services.unread_count(user)}
