"""What a member wrote and joined in the community, in their data export, and its erasure.

Registered in CommunityConfig.ready(). The eraser runs late (hooks.ERASE_LAST): the apps built
on the community (moderation, rewards…) look up the member's posts in their own erasers first.
"""

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from flywheel.community import services
from flywheel.community.models import (
    Follow,
    Post,
    PostImage,
    PostRevision,
    Reaction,
    Space,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
)
from flywheel.core import hooks


def _iso(value) -> str | None:
    return value.isoformat() if value else None


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


def export_post_images(member) -> hooks.ExportFiles:
    """The images the member uploaded from composers, files included (files/post_images/)."""
    rows, files = [], {}
    for image in PostImage.objects.filter(uploader=member).order_by("pk"):
        name = f"{image.key}.webp"
        try:
            with image.image.open("rb") as handle:
                files[name] = handle.read()
        except OSError:
            name = None
        rows.append(
            {
                "id": image.key,
                "post_id": image.post_id,
                "file": name,
                "width": image.width,
                "height": image.height,
                "created_at": _iso(image.created_at),
            }
        )
    return hooks.ExportFiles(data=rows, files=files)


def _bump_topics(topic_ids: set[int]) -> None:
    if topic_ids:
        Topic.objects.filter(pk__in=topic_ids).update(version=F("version") + 1)
        services.topic_pages_changed(topic_ids=topic_ids)


def _posts_changed_on_commit(post_ids: set[int]) -> None:
    """Search (and whoever else registered) forgets the blanked posts once erasure commits."""
    if not post_ids:
        return

    def announce() -> None:
        for listener in hooks.posts_changed:
            listener(post_ids)

    transaction.on_commit(announce)


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
    # Their images go in both modes, files included: pictures are theirs to take away. Posts
    # kept in "anonymise" mode keep their Markdown; the image view answers 404 for it.
    image_topic_ids = set(
        PostImage.objects.filter(uploader=member, post__isnull=False).values_list(
            "post__topic_id", flat=True
        )
    )
    services.delete_post_images(PostImage.objects.filter(uploader=member))
    topic_ids |= image_topic_ids
    _bump_topics(topic_ids)
    _posts_changed_on_commit(post_ids)


def register_privacy_handlers() -> None:
    hooks.privacy_exporters.register(export_topics, name="topics")
    hooks.privacy_exporters.register(export_posts, name="posts")
    hooks.privacy_exporters.register(export_post_images, name="post_images")
    hooks.privacy_exporters.register(export_reactions, name="reactions")
    hooks.privacy_exporters.register(export_follows, name="follows")
    hooks.privacy_exporters.register(export_space_memberships, name="spaces")
    hooks.privacy_erasers.register(erase_community, name="community", order=hooks.ERASE_LAST)
