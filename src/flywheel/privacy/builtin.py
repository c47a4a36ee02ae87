"""Export and erasure for the data the core apps hold (accounts, community, notifications,
the Activity log, privacy itself). Registered through the same registry other apps use."""

from pathlib import PurePosixPath
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from flywheel.accounts.models import PersonalAccessToken
from flywheel.community.models import (
    Follow,
    Post,
    PostRevision,
    Reaction,
    Space,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
)
from flywheel.core.models import Activity
from flywheel.notifications.models import Notification
from flywheel.privacy.models import Consent, DataExport
from flywheel.privacy.registry import ExportFiles, register_eraser, register_exporter


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# Exporters -----------------------------------------------------------------------------------


def export_profile(member) -> ExportFiles:
    data = {
        "id": member.pk,
        "email": member.email,
        "handle": member.handle,
        "display_name": member.display_name,
        "bio": member.bio,
        "language": member.language,
        "timezone": member.timezone,
        "role": member.role,
        "joined_at": _iso(member.date_joined),
        "last_login": _iso(member.last_login),
        "digest_enabled": member.digest_enabled,
        "mention_emails_enabled": member.mention_emails_enabled,
        "avatar": None,
    }
    files = {}
    if member.avatar:
        try:
            with member.avatar.open("rb") as avatar:
                name = f"avatar{PurePosixPath(member.avatar.name).suffix}"
                files[name] = avatar.read()
                data["avatar"] = f"files/profile/{name}"
        except OSError:
            data["avatar"] = None  # the file is gone from storage; nothing to include
    return ExportFiles(data=data, files=files)


def export_email_addresses(member) -> list[dict]:
    from allauth.account.models import EmailAddress

    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=member).order_by("pk")
    ]


def export_topics(member) -> list[dict]:
    topics = Topic.objects.filter(author=member).select_related("space").prefetch_related("tags")
    return [
        {
            "id": topic.pk,
            "title": topic.title,
            "kind": topic.kind,
            "space": topic.space.slug,
            "tags": [tag.name for tag in topic.tags.all()],
            "url": topic.get_absolute_url(),
            "created_at": _iso(topic.created_at),
            "deleted_at": _iso(topic.deleted_at),
        }
        for topic in topics.order_by("pk")
    ]


def export_posts(member) -> list[dict]:
    posts = Post.objects.filter(author=member).order_by("pk")
    return [
        {
            "id": post.pk,
            "topic_id": post.topic_id,
            "number": post.number,
            "body": post.body,
            "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at),
            "deleted_at": _iso(post.deleted_at),
        }
        for post in posts
    ]


def export_reactions(member) -> list[dict]:
    return [
        {"post_id": post_id, "kind": kind, "created_at": _iso(created_at)}
        for post_id, kind, created_at in Reaction.objects.filter(member=member)
        .order_by("pk")
        .values_list("post_id", "kind", "created_at")
    ]


def export_follows(member) -> list[dict]:
    follows = Follow.objects.filter(follower=member).select_related("topic", "space", "member")
    rows = []
    for follow in follows.order_by("pk"):
        if follow.topic_id:
            target = {"type": "topic", "id": follow.topic_id, "title": follow.topic.title}
        elif follow.space_id:
            target = {"type": "space", "id": follow.space_id, "slug": follow.space.slug}
        else:
            target = {"type": "member", "id": follow.member_id, "handle": follow.member.handle}
        rows.append({**target, "created_at": _iso(follow.created_at)})
    return rows


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


def export_activity(member) -> list[dict]:
    """Entries the member made, and entries whose target is the member (follows, sign-up)."""
    user_type = ContentType.objects.get_for_model(type(member))
    entries = Activity.objects.filter(
        Q(actor=member) | Q(target_type=user_type, target_id=member.pk)
    ).select_related("target_type")
    return [
        {
            "verb": entry.verb,
            "by_you": entry.actor_id == member.pk,
            "target_type": entry.target_type.model if entry.target_type_id else None,
            "target_id": entry.target_id,
            "space_id": entry.space_id,
            "created_at": _iso(entry.created_at),
        }
        for entry in entries.order_by("created_at", "pk")
    ]


def export_tokens(member) -> list[dict]:
    """Token metadata only: the secret hash never leaves the database."""
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _iso(token.created_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in PersonalAccessToken.objects.filter(user=member).order_by("pk")
    ]


def export_space_memberships(member) -> dict[str, list[dict]]:
    memberships = SpaceMembership.objects.filter(member=member).select_related("space")
    grants = SpaceAccessGrant.objects.filter(member=member).select_related("space")
    return {
        "memberships": [
            {"space": row.space.slug, "role": row.role, "joined_at": _iso(row.joined_at)}
            for row in memberships.order_by("pk")
        ],
        "access_grants": [
            {"space": row.space.slug, "reason": row.reason, "granted_at": _iso(row.granted_at)}
            for row in grants.order_by("pk")
        ],
    }


def export_consents(member) -> list[dict]:
    return [
        {
            "purpose": consent.purpose,
            "granted": consent.granted,
            "wording": consent.wording,
            "wording_version": consent.wording_version,
            "recorded_at": _iso(consent.recorded_at),
        }
        for consent in Consent.objects.filter(member=member).order_by("recorded_at", "pk")
    ]


# Erasers -------------------------------------------------------------------------------------


def _bump_topics(topic_ids: set[int]) -> None:
    if topic_ids:
        Topic.objects.filter(pk__in=topic_ids).update(version=F("version") + 1)


def _reindex_on_commit(post_ids: set[int]) -> None:
    if not post_ids:
        return

    def reindex() -> None:
        from flywheel.search.services import index_posts

        index_posts(post_ids)

    transaction.on_commit(reindex)


def _delete_posts(member, now) -> tuple[set[int], set[int]]:
    """Soft-delete and blank every post the member wrote; their topics follow the rule:
    a topic with replies from others stays (opening post deleted, replies kept), else goes."""
    posts = list(Post.objects.filter(author=member).select_related("topic"))
    topic_ids = {post.topic_id for post in posts}
    others_replied = set(
        Post.objects.filter(topic_id__in=topic_ids, number__gt=1, deleted_at__isnull=True)
        .exclude(author=member)
        .values_list("topic_id", flat=True)
        .distinct()
    )
    live_replies_per_topic: dict[int, int] = {}
    removed_topics_per_space: dict[int, int] = {}
    for post in posts:
        if post.deleted_at is None and not post.is_opening_post:
            live_replies_per_topic[post.topic_id] = live_replies_per_topic.get(post.topic_id, 0) + 1
        if (
            post.is_opening_post
            and post.topic.deleted_at is None
            and post.topic_id not in others_replied
        ):
            space_id = post.topic.space_id
            removed_topics_per_space[space_id] = removed_topics_per_space.get(space_id, 0) + 1
            Topic.objects.filter(pk=post.topic_id).update(deleted_at=now)
    for topic_id, count in live_replies_per_topic.items():
        Topic.objects.filter(pk=topic_id).update(reply_count=F("reply_count") - count)
    for space_id, count in removed_topics_per_space.items():
        Space.objects.filter(pk=space_id).update(topic_count=F("topic_count") - count)
    post_ids = {post.pk for post in posts}
    Topic.objects.filter(accepted_answer_id__in=post_ids).update(accepted_answer=None)
    Post.objects.filter(pk__in=post_ids, deleted_at__isnull=True).update(
        deleted_at=now, deleted_by=member
    )
    # What they wrote goes, history included; the rows stay so reply numbers and quotes hold.
    Post.objects.filter(pk__in=post_ids).update(body="", body_html="")
    PostRevision.objects.filter(post_id__in=post_ids).delete()
    Topic.objects.filter(author=member).update(author=None)
    return topic_ids, post_ids


def erase_community(member, *, content: str) -> None:
    now = timezone.now()
    if content == "delete":
        topic_ids, post_ids = _delete_posts(member, now)
    else:
        post_ids = set(Post.objects.filter(author=member).values_list("pk", flat=True))
        topic_ids = set(
            Post.objects.filter(pk__in=post_ids).values_list("topic_id", flat=True).distinct()
        )
        Post.objects.filter(pk__in=post_ids).update(author=None)
        Topic.objects.filter(author=member).update(author=None)
    topic_ids |= set(Topic.objects.filter(last_poster=member).values_list("pk", flat=True))
    Topic.objects.filter(last_poster=member).update(last_poster=None)
    PostRevision.objects.filter(editor=member).update(editor=None)
    Post.objects.filter(deleted_by=member).update(deleted_by=None)
    # Memberships go (counts kept right); follows go both ways; access grants go.
    per_space = (
        SpaceMembership.objects.filter(member=member)
        .values("space_id")
        .annotate(count=Count("pk"))
        .values_list("space_id", "count")
    )
    for space_id, count in per_space:
        Space.objects.filter(pk=space_id).update(member_count=F("member_count") - count)
    SpaceMembership.objects.filter(member=member).delete()
    SpaceAccessGrant.objects.filter(member=member).delete()
    Follow.objects.filter(Q(follower=member) | Q(member=member)).delete()
    _bump_topics(topic_ids)
    _reindex_on_commit(post_ids)


def erase_notifications(member, *, content: str) -> None:
    Notification.objects.filter(recipient=member).delete()
    Notification.objects.filter(actor=member).update(actor=None)


def erase_activity(member, *, content: str) -> None:
    """Analytics keep the counts (verb, time, space); the entries lose who did them."""
    Activity.objects.filter(actor=member).update(actor=None)


def erase_consents(member, *, content: str) -> None:
    Consent.objects.filter(member=member).update(ip_hash="")


def erase_exports(member, *, content: str) -> None:
    from flywheel.privacy.storage import private_storage

    storage = private_storage()
    names = [
        name
        for name in DataExport.objects.filter(member=member).values_list("file_name", flat=True)
        if name
    ]
    DataExport.objects.filter(member=member).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


BUILTIN_EXPORTERS: dict[str, Any] = {
    "profile": export_profile,
    "email_addresses": export_email_addresses,
    "topics": export_topics,
    "posts": export_posts,
    "reactions": export_reactions,
    "follows": export_follows,
    "notifications": export_notifications,
    "activity": export_activity,
    "access_tokens": export_tokens,
    "spaces": export_space_memberships,
    "consents": export_consents,
}
BUILTIN_ERASERS: dict[str, Any] = {
    "community": erase_community,
    "notifications": erase_notifications,
    "activity": erase_activity,
    "consents": erase_consents,
    "data_exports": erase_exports,
}


def register_builtin() -> None:
    for name, exporter in BUILTIN_EXPORTERS.items():
        register_exporter(name, exporter)
    for name, eraser in BUILTIN_ERASERS.items():
        register_eraser(name, eraser)
