"""Every write in the community hub. Each function is one business action, in one transaction."""

import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from flywheel.community import page_cache, permissions
from flywheel.community.models import (
    Follow,
    Post,
    PostImage,
    PostRevision,
    Reaction,
    ReactionKind,
    Space,
    SpaceMembership,
    SpaceRole,
    Tag,
    Topic,
    TopicKind,
    Visibility,
)
from flywheel.community.queries import hidden_among
from flywheel.core import edge_cache, hooks
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.images import POST_IMAGE, process_image
from flywheel.core.markup import find_mentions, render_markdown
from flywheel.core.models import Verb
from flywheel.core.ratelimit import (
    check_action_rate_limit,
    check_rate_limit,
    check_upload_allowance,
)
from flywheel.core.services import record_activity

MAX_TAGS = 5


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("A title is required."), field="title")
    if len(title) < 3:
        raise InvalidInput(_("The title needs at least 3 characters."), field="title")
    if len(title) > 200:
        raise InvalidInput(_("The title can have at most 200 characters."), field="title")
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write something first."), field="body")
    limit = settings.FLYWHEEL_MAX_POST_LENGTH
    if len(body) > limit:
        raise InvalidInput(
            _("A post can have at most %(limit)d characters.") % {"limit": limit}, field="body"
        )
    return body


def _clean_tags(tag_names: list[str] | None) -> list[Tag]:
    names = []
    for raw in tag_names or []:
        name = " ".join(raw.split()).strip("#")[:40]
        if name and name.lower() not in {existing.lower() for existing in names}:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise InvalidInput(_("Use at most %(count)d tags.") % {"count": MAX_TAGS}, field="tags")
    tags = []
    for name in names:
        slug = slugify(name, allow_unicode=True)[:40]
        if not slug:
            raise InvalidInput(
                _("Tag %(name)s has no letters or digits.") % {"name": name}, field="tags"
            )
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _mentioned_member_ids(body: str, *, exclude_id: int | None) -> list[int]:
    handles = find_mentions(body)
    if not handles:
        return []
    user_model = get_user_model()
    ids = user_model.objects.filter(handle__in=handles, is_active=True).values_list("pk", flat=True)
    return [member_id for member_id in ids if member_id != exclude_id]


def _check_posting(*, author, space: Space, topic, body: str, action: str, limit: bool) -> None:
    """Ask every registered posting check (moderation's sanctions, guidelines and slow mode;
    trust's link, image and daily limits) whether this post may be written."""
    attempt = hooks.PostAttempt(
        author=author, space=space, topic=topic, body=body, action=action, enforce_rate_limit=limit
    )
    for check in hooks.posting_checks:
        check(attempt)


def _held_for_review(*, post: Post, activity: dict) -> bool:
    """True when a registered hold (moderation's pre-moderation) keeps the new post back; the
    hold then logs the activity when the post is approved."""
    return any(hold(post=post, activity=activity) for hold in hooks.new_post_holds)


def topic_pages_changed(*, topic_ids, space_ids=None) -> None:
    """Signed-out pages showing these topics (the topics, their spaces' lists, home) are
    stale: a CDN or caching proxy is told to drop them once the transaction commits
    (core/edge_cache.py). Nothing is sent, and nothing is read, when no purge is configured."""
    if not edge_cache.purging_enabled():
        return
    topic_ids = set(topic_ids)
    if space_ids is None:
        space_ids = Topic.objects.filter(pk__in=topic_ids).values_list("space_id", flat=True)
    edge_cache.purge_on_commit(
        [
            page_cache.HOME_KEY,
            *(page_cache.topic_key(topic_id) for topic_id in topic_ids),
            *(page_cache.space_key(space_id) for space_id in set(space_ids)),
        ]
    )


def mark_topic_changed(*, topic_id: int) -> None:
    """Anything a topic page shows changed: a new version retires its cached pages.

    Public because apps built on the community (moderation's slow mode and post states) change
    what the page shows without writing a community row."""
    Topic.objects.filter(pk=topic_id).update(version=F("version") + 1)
    topic_pages_changed(topic_ids=[topic_id])


def adjust_reply_count(*, topic_id: int, delta: int) -> None:
    """A reply became visible (+1) or hidden (-1) without being created or deleted.

    Moderation calls this inside its own transaction when it holds, hides, approves or restores
    a reply, so Topic.reply_count only ever counts the replies readers can see.
    """
    Topic.objects.filter(pk=topic_id).update(
        reply_count=F("reply_count") + delta, version=F("version") + 1
    )
    topic_pages_changed(topic_ids=[topic_id])


def _ensure_membership(*, member, space: Space, at) -> None:
    _membership, created = SpaceMembership.objects.get_or_create(
        space=space, member=member, defaults={"joined_at": at}
    )
    if created:
        Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + 1)
        record_activity(actor=member, verb=Verb.SPACE_JOINED, target=space, space=space, at=at)


@transaction.atomic
def create_topic(
    *,
    author,
    space: Space,
    title: str,
    body: str,
    kind: str = TopicKind.DISCUSSION,
    tags: list[str] | None = None,
    at=None,
    enforce_rate_limit: bool = True,
) -> Topic:
    """Start a topic. Announcements are for the brand team; posting joins the space."""
    permissions.check_space_post_permission(author, space)
    if kind not in TopicKind.values:
        raise InvalidInput(_("Unknown topic kind."), field="kind")
    if kind == TopicKind.ANNOUNCEMENT and not permissions.is_moderator_of(author, space):
        raise InvalidInput(_("Only the brand team can post announcements."), field="kind")
    title = _clean_title(title)
    body = _clean_body(body)
    tag_objects = _clean_tags(tags)
    _check_posting(
        author=author, space=space, topic=None, body=body, action="topic", limit=enforce_rate_limit
    )
    if enforce_rate_limit:
        check_rate_limit(key=f"post:{author.pk}")
        check_action_rate_limit(member=author, action="topic")
    now = at or timezone.now()
    topic = Topic.objects.create(
        space=space,
        author=author,
        kind=kind,
        title=title,
        slug=slugify(title, allow_unicode=True)[:80] or "topic",
        last_posted_at=now,
        last_poster=author,
        created_at=now,
    )
    if tag_objects:
        topic.tags.set(tag_objects)
    post = Post.objects.create(
        topic=topic,
        author=author,
        number=1,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    attach_post_images(post=post, at=now)
    Space.objects.filter(pk=space.pk).update(topic_count=F("topic_count") + 1)
    _ensure_membership(member=author, space=space, at=now)
    Follow.objects.get_or_create(follower=author, topic=topic, defaults={"created_at": now})
    topic_pages_changed(topic_ids=[topic.pk], space_ids=[space.pk])
    activity = dict(
        actor=author,
        verb=Verb.TOPIC_CREATED,
        target=topic,
        space=space,
        at=now,
        dedupe_key=f"topic_created:{topic.pk}",
        payload={
            "kind": kind,
            "post_id": post.pk,
            "length": len(body),
            "mentions": _mentioned_member_ids(body, exclude_id=author.pk),
        },
    )
    # A new member's first posts may wait for approval; their activity is logged then.
    if not _held_for_review(post=post, activity=activity):
        record_activity(**activity)
    return topic


@transaction.atomic
def create_reply(
    *,
    author,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    at=None,
    enforce_rate_limit: bool = True,
) -> Post:
    """Reply in a topic, optionally to (quoting) one of its posts."""
    topic = Topic.objects.select_for_update().select_related("space").get(pk=topic.pk)
    if topic.deleted_at is not None:
        raise InvalidInput(_("This topic was deleted."), field="topic")
    permissions.check_topic_reply_permission(author, topic)
    body = _clean_body(body)
    _check_posting(
        author=author,
        space=topic.space,
        topic=topic,
        body=body,
        action="reply",
        limit=enforce_rate_limit,
    )
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise InvalidInput(_("You can only reply to a post in the same topic."), field="reply_to")
    if enforce_rate_limit:
        check_rate_limit(key=f"post:{author.pk}")
        check_action_rate_limit(member=author, action="reply")
    now = at or timezone.now()
    last_number = topic.posts.order_by("-number").values_list("number", flat=True).first() or 0
    post = Post.objects.create(
        topic=topic,
        author=author,
        number=last_number + 1,
        reply_to=reply_to,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    attach_post_images(post=post, at=now)
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=F("reply_count") + 1,
        last_posted_at=now,
        last_poster=author,
        version=F("version") + 1,
    )
    topic_pages_changed(topic_ids=[topic.pk], space_ids=[topic.space_id])
    _ensure_membership(member=author, space=topic.space, at=now)
    activity = dict(
        actor=author,
        verb=Verb.REPLY_CREATED,
        target=post,
        space=topic.space,
        at=now,
        dedupe_key=f"reply_created:{post.pk}",
        payload={
            "topic_id": topic.pk,
            "length": len(body),
            "reply_to_author_id": reply_to.author_id if reply_to else None,
            "mentions": _mentioned_member_ids(body, exclude_id=author.pk),
        },
    )
    if not _held_for_review(post=post, activity=activity):
        record_activity(**activity)
    return post


@transaction.atomic
def edit_post(
    *, post: Post, editor, body: str, title: str | None = None, tags: list[str] | None = None
) -> Post:
    """Edit a post (and, for an opening post, its topic's title and tags); history is kept."""
    post = Post.objects.select_for_update().select_related("topic__space").get(pk=post.pk)
    permissions.check_post_edit_permission(editor, post)
    body = _clean_body(body)
    topic = post.topic
    _check_posting(
        author=editor, space=topic.space, topic=topic, body=body, action="edit", limit=False
    )
    new_title = _clean_title(title) if (title is not None and post.is_opening_post) else None
    tag_objects = _clean_tags(tags) if (tags is not None and post.is_opening_post) else None
    now = timezone.now()
    PostRevision.objects.create(
        post=post,
        editor=editor,
        body=post.body,
        title=topic.title if post.is_opening_post else "",
        created_at=now,
    )
    old_mentions = set(find_mentions(post.body))
    post.body = body
    post.body_html = render_markdown(body)
    post.edited_at = now
    post.save(update_fields=["body", "body_html", "edited_at"])
    attach_post_images(post=post, at=now)
    mark_topic_changed(topic_id=topic.pk)
    if new_title is not None and new_title != topic.title:
        topic.title = new_title
        topic.slug = slugify(new_title, allow_unicode=True)[:80] or "topic"
        topic.save(update_fields=["title", "slug"])
    if tag_objects is not None:
        topic.tags.set(tag_objects)
    new_handles = [h for h in find_mentions(body) if h not in old_mentions]
    new_mentions = (
        list(
            get_user_model()
            .objects.filter(handle__in=new_handles)
            .exclude(pk=post.author_id)
            .values_list("pk", flat=True)
        )
        if new_handles
        else []
    )
    record_activity(
        actor=editor,
        verb=Verb.POST_EDITED,
        target=post,
        space=topic.space,
        at=now,
        payload={"topic_id": topic.pk, "mentions": new_mentions},
    )
    return post


@transaction.atomic
def delete_post(*, post: Post, by) -> Post:
    """Soft-delete a post; deleting the opening post removes the whole topic from lists."""
    post = Post.objects.select_for_update().select_related("topic__space").get(pk=post.pk)
    permissions.check_post_delete_permission(by, post)
    if post.is_deleted:
        return post
    now = timezone.now()
    post.deleted_at = now
    post.deleted_by = by
    post.save(update_fields=["deleted_at", "deleted_by"])
    mark_topic_changed(topic_id=post.topic_id)
    topic = post.topic
    if post.is_opening_post:
        topic.deleted_at = now
        topic.save(update_fields=["deleted_at"])
        Space.objects.filter(pk=topic.space_id).update(topic_count=F("topic_count") - 1)
    else:
        # A reply moderation hides was already taken off the count when it was hidden.
        if not hidden_among([post.pk], topic=topic):
            Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") - 1)
        if topic.accepted_answer_id == post.pk:
            Topic.objects.filter(pk=topic.pk).update(accepted_answer=None)
    record_activity(
        actor=by,
        verb=Verb.POST_DELETED,
        target=post,
        space=topic.space,
        at=now,
        dedupe_key=f"post_deleted:{post.pk}",
        payload={
            "topic_id": topic.pk,
            "author_id": post.author_id,
            "by_moderator": by.pk != post.author_id,
        },
    )
    return post


@transaction.atomic
def toggle_reaction(*, member, post: Post, kind: str, enforce_rate_limit: bool = True) -> bool:
    """Add the reaction if the member has not given it, else take it back. Returns 'now on'.

    `enforce_rate_limit=False` is for imports and the demo, which replay history."""
    if kind not in ReactionKind.values:
        raise InvalidInput(_("Unknown reaction."), field="kind")
    post = Post.objects.select_related("topic__space").get(pk=post.pk)
    permissions.check_space_post_permission(member, post.topic.space)
    if post.is_deleted:
        raise InvalidInput(_("This post was deleted."), field="post")
    if enforce_rate_limit:
        check_rate_limit(key=f"react:{member.pk}", rate="120/m")
    existing = Reaction.objects.filter(post=post, member=member, kind=kind).first()
    now = timezone.now()
    if existing:
        existing.delete()
        Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") - 1)
        Topic.objects.filter(pk=post.topic_id).update(
            reaction_count=F("reaction_count") - 1, version=F("version") + 1
        )
        topic_pages_changed(topic_ids=[post.topic_id])
        record_activity(
            actor=member,
            verb=Verb.REACTION_REMOVED,
            target=post,
            space=post.topic.space,
            payload={"kind": kind, "author_id": post.author_id},
        )
        return False
    if enforce_rate_limit:
        check_action_rate_limit(member=member, action="reaction")
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, member=member, kind=kind, created_at=now)
    except IntegrityError:
        return True  # a double click raced us; the reaction is on
    Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") + 1)
    Topic.objects.filter(pk=post.topic_id).update(
        reaction_count=F("reaction_count") + 1, version=F("version") + 1
    )
    topic_pages_changed(topic_ids=[post.topic_id])
    record_activity(
        actor=member,
        verb=Verb.REACTION_ADDED,
        target=post,
        space=post.topic.space,
        at=now,
        payload={"kind": kind, "author_id": post.author_id, "topic_id": post.topic_id},
    )
    return True


@transaction.atomic
def accept_answer(*, reply: Post, by) -> Topic:
    """Mark one reply as the question's accepted answer (replacing any earlier one)."""
    topic = Topic.objects.select_for_update().select_related("space").get(pk=reply.topic_id)
    permissions.check_accept_answer_permission(by, topic)
    if topic.kind != TopicKind.QUESTION:
        raise InvalidInput(_("Only questions have accepted answers."), field="topic")
    if reply.is_opening_post or reply.is_deleted:
        raise InvalidInput(_("Choose a reply to accept."), field="reply")
    if topic.accepted_answer_id == reply.pk:
        return topic
    topic.accepted_answer = reply
    topic.save(update_fields=["accepted_answer"])
    mark_topic_changed(topic_id=topic.pk)
    record_activity(
        actor=by,
        verb=Verb.ANSWER_ACCEPTED,
        target=reply,
        space=topic.space,
        dedupe_key=f"answer_accepted:{reply.pk}",
        payload={"topic_id": topic.pk, "answerer_id": reply.author_id},
    )
    return topic


@transaction.atomic
def unaccept_answer(*, topic: Topic, by) -> Topic:
    topic = Topic.objects.select_for_update().select_related("space").get(pk=topic.pk)
    permissions.check_accept_answer_permission(by, topic)
    if topic.accepted_answer_id is not None:
        topic.accepted_answer = None
        topic.save(update_fields=["accepted_answer"])
        mark_topic_changed(topic_id=topic.pk)
    return topic


@transaction.atomic
def set_topic_flags(
    *, topic: Topic, by, pinned: bool | None = None, closed: bool | None = None
) -> Topic:
    """Moderators pin topics to the top or close them to new replies."""
    topic = Topic.objects.select_for_update().select_related("space").get(pk=topic.pk)
    permissions.check_topic_moderate_permission(by, topic)
    fields = []
    if pinned is not None:
        topic.is_pinned = pinned
        fields.append("is_pinned")
    if closed is not None:
        topic.is_closed = closed
        fields.append("is_closed")
    if fields:
        topic.save(update_fields=fields)
        mark_topic_changed(topic_id=topic.pk)
    return topic


@transaction.atomic
def move_topic(*, topic: Topic, to_space: Space, by) -> Topic:
    """Move a topic to another space; `by` moderates both. Space counts follow the topic.

    Moderation calls this and keeps the audit log, the review queue and the author's notice."""
    topic = Topic.objects.select_for_update().select_related("space").get(pk=topic.pk)
    if topic.deleted_at is not None:
        raise InvalidInput(_("This topic was deleted."), field="topic")
    permissions.check_topic_moderate_permission(by, topic)
    if not permissions.is_moderator_of(by, to_space):
        raise PermissionDenied(_("You do not moderate the space you are moving it to."))
    if to_space.pk == topic.space_id:
        raise InvalidInput(_("The topic is already in that space."), field="space")
    from_space_id = topic.space_id
    Topic.objects.filter(pk=topic.pk).update(space=to_space, version=F("version") + 1)
    topic_pages_changed(topic_ids=[topic.pk], space_ids=[from_space_id, to_space.pk])
    Space.objects.filter(pk=from_space_id).update(topic_count=F("topic_count") - 1)
    Space.objects.filter(pk=to_space.pk).update(topic_count=F("topic_count") + 1)
    topic.refresh_from_db()
    return topic


@dataclass(frozen=True)
class TopicMerge:
    """What merge_topics did: the surviving topic, the posts it took over (in their new
    order) and the number the first of them got."""

    into: Topic
    moved_post_ids: list[int]
    first_number: int


@transaction.atomic
def merge_topics(*, source: Topic, into: Topic, by) -> TopicMerge:
    """Append the posts of `source` to `into` and delete `source`; its followers follow `into`.

    `into` counts only the moved replies readers can see (deleted and hidden ones are left out,
    as Topic.reply_count always does). Moderation calls this and adds the redirect, the audit
    log and the author's notice."""
    if source.pk == into.pk:
        raise InvalidInput(_("Choose a different topic to merge into."), field="into")
    locked = {
        topic.pk: topic
        for topic in Topic.objects.select_for_update()
        .select_related("space")
        .filter(pk__in=[source.pk, into.pk])
        .order_by("pk")
    }
    source, into = locked[source.pk], locked[into.pk]
    if source.deleted_at is not None or into.deleted_at is not None:
        raise InvalidInput(_("A deleted topic cannot be merged."), field="into")
    permissions.check_topic_moderate_permission(by, source)
    permissions.check_topic_moderate_permission(by, into)
    last_number = into.posts.order_by("-number").values_list("number", flat=True).first() or 0
    posts = list(source.posts.order_by("number").values_list("pk", "deleted_at"))
    moved_ids = [post_id for post_id, _deleted in posts]
    hidden_ids = hidden_among(moved_ids)
    for offset, post_id in enumerate(moved_ids, start=1):
        Post.objects.filter(pk=post_id).update(topic=into, number=last_number + offset)
    live = sum(
        1 for post_id, deleted_at in posts if deleted_at is None and post_id not in hidden_ids
    )
    now = timezone.now()
    Topic.objects.filter(pk=into.pk).update(
        reply_count=F("reply_count") + live,
        reaction_count=F("reaction_count") + source.reaction_count,
        last_posted_at=max(into.last_posted_at, source.last_posted_at),
        version=F("version") + 1,
    )
    Topic.objects.filter(pk=source.pk).update(
        deleted_at=now, accepted_answer=None, version=F("version") + 1
    )
    topic_pages_changed(topic_ids=[into.pk, source.pk], space_ids=[into.space_id, source.space_id])
    Space.objects.filter(pk=source.space_id).update(topic_count=F("topic_count") - 1)
    for follower_id in Follow.objects.filter(topic=source).values_list("follower_id", flat=True):
        Follow.objects.get_or_create(
            follower_id=follower_id, topic=into, defaults={"created_at": now}
        )
    Follow.objects.filter(topic=source).delete()
    into.refresh_from_db()
    return TopicMerge(into=into, moved_post_ids=moved_ids, first_number=last_number + 1)


@transaction.atomic
def join_space(*, member, space: Space) -> SpaceMembership:
    """Join a space; a gated space first asks its gate (purchases, grants, staff)."""
    if not member.is_authenticated:
        raise InvalidInput(_("Sign in to join."), field="space")
    if space.visibility == Visibility.GATED and not permissions.passes_gate(member, space):
        raise Conflict(
            space.gate_description or _("This space is unlocked by a purchase."), field="space"
        )
    now = timezone.now()
    _ensure_membership(member=member, space=space, at=now)
    Follow.objects.get_or_create(follower=member, space=space, defaults={"created_at": now})
    return SpaceMembership.objects.get(space=space, member=member)


@transaction.atomic
def leave_space(*, member, space: Space) -> None:
    deleted, _detail = SpaceMembership.objects.filter(space=space, member=member).delete()
    Follow.objects.filter(follower=member, space=space).delete()
    if deleted:
        Space.objects.filter(pk=space.pk).update(member_count=F("member_count") - 1)
        record_activity(actor=member, verb=Verb.SPACE_LEFT, target=space, space=space)


@transaction.atomic
def set_space_moderator(*, space: Space, member, is_moderator: bool, by) -> SpaceMembership:
    if not by.is_community_admin:
        raise InvalidInput(_("Only admins appoint space moderators."), field="member")
    _ensure_membership(member=member, space=space, at=timezone.now())
    membership = SpaceMembership.objects.get(space=space, member=member)
    membership.role = SpaceRole.MODERATOR if is_moderator else SpaceRole.MEMBER
    membership.save(update_fields=["role"])
    return membership


def _follow_target(*, topic=None, space=None, member=None) -> dict:
    targets = {"topic": topic, "space": space, "member": member}
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) != 1:
        raise InvalidInput(_("Follow exactly one topic, space or member."), field="target")
    return chosen


@transaction.atomic
def follow(*, follower, topic=None, space=None, member=None) -> Follow:
    """Follow a topic, a space or a member to be notified of what happens there."""
    target = _follow_target(topic=topic, space=space, member=member)
    if member is not None and member.pk == follower.pk:
        raise InvalidInput(_("You cannot follow yourself."), field="member")
    if topic is not None:
        permissions.check_space_view_permission(follower, topic.space)
    if space is not None:
        permissions.check_space_view_permission(follower, space)
    follow_row, created = Follow.objects.get_or_create(
        follower=follower, **target, defaults={"created_at": timezone.now()}
    )
    if created:
        ((name, value),) = target.items()
        record_activity(
            actor=follower,
            verb=Verb.FOLLOWED,
            target=value,
            space=space or (topic.space if topic else None),
            payload={"target": name},
        )
    return follow_row


@transaction.atomic
def unfollow(*, follower, topic=None, space=None, member=None) -> None:
    target = _follow_target(topic=topic, space=space, member=member)
    deleted, _detail = Follow.objects.filter(follower=follower, **target).delete()
    if deleted:
        ((name, value),) = target.items()
        record_activity(
            actor=follower, verb=Verb.UNFOLLOWED, target=value, payload={"target": name}
        )


# ---------------------------------------------------------------- images in posts

IMAGE_KEY_IN_BODY = re.compile(r"/images/([0-9a-f]{32})\.webp")


@transaction.atomic
def _check_images_allowed(member) -> None:
    """Refuse the upload up front when no post of this member may show an image yet (the
    posting checks: trust's images by level), instead of after the member wrote the post."""
    probe = f"![]({reverse('community:image', args=['probe'])})"
    try:
        _check_posting(
            author=member, space=None, topic=None, body=probe, action="image", limit=False
        )
    except InvalidInput as refused:
        raise InvalidInput(
            _(
                "Members at your trust level cannot add images to posts yet; you can once you "
                "have spent a little more time in the community."
            ),
            field=POST_IMAGE.field,
        ) from refused


def upload_post_image(*, uploader, upload, at=None) -> PostImage:
    """A member uploads an image from a topic or reply composer. It is counted against their
    trust level's upload allowance (shared with review and showcase photos) before a pixel is
    decoded, checked and re-encoded by core.images (content, bytes, pixels, metadata dropped),
    stored under a random name and linked to a post once a post names it. The smaller
    variant pages show is made after commit (community/tasks.py)."""
    if uploader is None or not uploader.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if not upload:
        raise InvalidInput(_("Choose an image to upload."), field=POST_IMAGE.field)
    _check_images_allowed(uploader)
    check_upload_allowance(member=uploader, count=1)
    processed = process_image(upload, use=POST_IMAGE)
    key = uuid.uuid4().hex
    image = PostImage(key=key, uploader=uploader, created_at=at or timezone.now())
    image.image.save(f"{key}.webp", processed.file, save=False)
    image.save()
    from flywheel.community.tasks import make_post_image_variants

    transaction.on_commit(lambda: make_post_image_variants.delay([image.pk]))
    return image


def attach_post_images(*, post: Post, at=None) -> int:
    """Link the images the post's body shows to the post: only the post author's own uploads
    not yet in another post (an image cannot be moved into someone else's post by pasting its
    URL). Linked images are exported and erased with their uploader and kept past the
    unattached-upload clean-up."""
    keys = set(IMAGE_KEY_IN_BODY.findall(post.body or ""))
    if not keys or post.author_id is None:
        return 0
    return PostImage.objects.filter(
        key__in=keys, uploader_id=post.author_id, post__isnull=True
    ).update(post=post, attached_at=at or timezone.now())


def delete_post_images(images) -> int:
    """Delete image rows and their files (the member's erasure, unused uploads)."""
    deleted = 0
    for image in images:
        for field in (image.image, image.display):
            if field:
                field.delete(save=False)
        image.delete()
        deleted += 1
    return deleted
