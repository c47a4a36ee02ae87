"""Every write to notifications: created from the Activity log, read and e-mailed here."""

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from flywheel.community.models import Follow, Post, Topic
from flywheel.community.permissions import can_view_post, can_view_space, can_view_topic
from flywheel.core import hooks
from flywheel.core.models import Activity, Verb
from flywheel.notifications.models import Notification, NotificationKind

logger = logging.getLogger("flywheel.notifications")


def _announce_bells_changed(member_ids: Iterable[int]) -> None:
    """After commit, tell hooks.notifications_changed whose bell changed (chat pushes it over
    the member's live connection); a listener that fails is logged, never the member's error."""
    recipients = sorted(set(member_ids))
    if not recipients or not hooks.notifications_changed:
        return

    def announce() -> None:
        for listener in hooks.notifications_changed:
            try:
                listener(recipients)
            except Exception:
                logger.exception("notifications_changed listener failed")

    transaction.on_commit(announce)


def _recipients_for(activity: Activity) -> dict[int, str]:
    """Member id → notification kind; the most specific reason wins (a mention beats a follow)."""
    actor_id = activity.actor_id
    payload = activity.payload or {}
    chosen: dict[int, str] = {}

    def offer(member_id: int | None, kind: str) -> None:
        if member_id and member_id != actor_id and member_id not in chosen:
            chosen[member_id] = kind

    for member_id in payload.get("mentions", []):
        offer(member_id, NotificationKind.MENTION)

    if activity.verb == Verb.REPLY_CREATED:
        offer(payload.get("reply_to_author_id"), NotificationKind.REPLY)
        topic_id = payload.get("topic_id")
        topic_author = Topic.objects.filter(pk=topic_id).values_list("author_id", flat=True).first()
        offer(topic_author, NotificationKind.REPLY)
        for member_id in Follow.objects.filter(topic_id=topic_id).values_list(
            "follower_id", flat=True
        ):
            offer(member_id, NotificationKind.TOPIC_REPLY)
    elif activity.verb == Verb.TOPIC_CREATED:
        for member_id in Follow.objects.filter(space_id=activity.space_id).values_list(
            "follower_id", flat=True
        ):
            offer(member_id, NotificationKind.SPACE_TOPIC)
        for member_id in Follow.objects.filter(member_id=actor_id).values_list(
            "follower_id", flat=True
        ):
            offer(member_id, NotificationKind.MEMBER_TOPIC)
    elif activity.verb == Verb.ANSWER_ACCEPTED:
        offer(payload.get("answerer_id"), NotificationKind.ANSWER_ACCEPTED)
    elif activity.verb == Verb.FOLLOWED and payload.get("target") == "member":
        offer(activity.target_id, NotificationKind.NEW_FOLLOWER)
    return chosen


def _topic_and_post(activity: Activity) -> tuple[Topic | None, Post | None]:
    model = activity.target_type.model_class() if activity.target_type_id else None
    if model is Topic:
        topic = Topic.objects.select_related("space").filter(pk=activity.target_id).first()
        first_post = topic.posts.filter(number=1).first() if topic else None
        return topic, first_post
    if model is Post:
        post = Post.objects.select_related("topic__space").filter(pk=activity.target_id).first()
        return (post.topic if post else None), post
    return None, None


@transaction.atomic
def notify_for_activity(activity: Activity) -> list[Notification]:
    """Notify everyone the activity concerns, once each, who can still see where it happened."""
    recipients = _recipients_for(activity)
    if not recipients:
        return []
    topic, post = _topic_and_post(activity)
    members = get_user_model().objects.filter(pk__in=recipients, is_active=True)
    space = topic.space if topic else activity.space
    created = []
    for member in members:
        # The rules every read follows (community.permissions): the member must be able to
        # see the post (or topic, or space) the notification would lead to.
        if post is not None:
            if not can_view_post(member, post, allow_deleted=True):
                continue
        elif topic is not None:
            if not can_view_topic(member, topic):
                continue
        elif space is not None and not can_view_space(member, space):
            continue
        notification, was_created = Notification.objects.get_or_create(
            recipient=member,
            activity=activity,
            defaults={
                "kind": recipients[member.pk],
                "actor_id": activity.actor_id,
                "topic": topic,
                "post": post,
                "created_at": activity.created_at,
            },
        )
        if was_created:
            created.append(notification)
    _announce_bells_changed(n.recipient_id for n in created)
    mention_ids = [n.pk for n in created if n.kind == NotificationKind.MENTION]
    if mention_ids:
        from flywheel.notifications.tasks import send_mention_emails

        # robust: a mail or broker outage is logged, never turned into an error for the poster.
        transaction.on_commit(lambda: send_mention_emails.delay(mention_ids), robust=True)
    return created


def unread_count(member) -> int:
    """What the bell's badge shows: unread notifications the member can still open."""
    from flywheel.notifications.queries import notifications_for

    return notifications_for(member).filter(read_at__isnull=True).count()


def mark_read(*, member, notification_ids: list[int] | None = None) -> int:
    """Mark some (or, with no ids, all) of the member's notifications read."""
    # Only the member's own: someone else's id simply matches nothing.
    queryset = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    changed = queryset.update(read_at=timezone.now())
    if changed:
        _announce_bells_changed([member.pk])
    return changed


def notify_member(
    *,
    recipient_id: int,
    kind: str,
    actor_id: int | None = None,
    topic=None,
    post=None,
    at=None,
) -> Notification:
    """A bell entry another app asks for (a badge granted, a trust level changed, a moderation
    decision): the notifications app is the one writer of Notification rows."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    _announce_bells_changed([recipient_id])
    return Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        topic=topic,
        post=post,
        created_at=at or timezone.now(),
    )


def notify_moderation(*, recipient, kind: str, actor=None, topic=None, post=None) -> Notification:
    """A bell entry for a moderation decision (flywheel.moderation keeps the reason)."""
    return notify_member(
        recipient_id=recipient.pk,
        kind=kind,
        actor_id=actor.pk if actor is not None else None,
        topic=topic,
        post=post,
    )


def notify_members_about(
    *, activity: Activity, kind: str, summaries: dict[int, str], link: str
) -> int:
    """Bell entries another app writes for many members at once (an idea's supporters), each
    with its own text (in the member's language). Once per member and activity, however often
    the activity is delivered again (the unique constraint). Returns the rows written."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    rows = [
        Notification(
            recipient_id=member_id,
            kind=kind,
            actor_id=activity.actor_id,
            activity=activity,
            link=link[:300],
            summary=summary[:300],
            created_at=activity.created_at,
        )
        for member_id, summary in summaries.items()
        if member_id != activity.actor_id
    ]
    before = Notification.objects.filter(activity=activity).count()
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Notification.objects.filter(activity=activity).count() - before
