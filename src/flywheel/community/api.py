"""JSON API for spaces, topics, replies, reactions, accepted answers and follows.

Thin on purpose: parse, look the object up through the permission functions, call one
service, shape the answer. Objects the caller may not read are "not found" (404), never
"forbidden", so ids cannot be probed; a visible object the caller may not change is a 403.
"""

import hashlib
import json
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CleanStr,
    FollowOut,
    MemberSummary,
    ObjectId,
    ensure_id,
    member_summary,
)
from flywheel.community import permissions, queries, services
from flywheel.community.fragments import FRAGMENT_SECONDS, author_stamp
from flywheel.community.models import (
    Follow,
    Post,
    ReactionKind,
    Space,
    SpaceMembership,
    Topic,
    TopicKind,
    Visibility,
)
from flywheel.core import member_cache
from flywheel.core.exceptions import InvalidInput

spaces_router = Router(tags=["spaces"])
topics_router = Router(tags=["topics"])
posts_router = Router(tags=["posts"])

SPACE_ORDERING = ("position", "name", "id")
TOPIC_ORDERING = ("-is_pinned", "-last_posted_at", "-id")
REPLY_ORDERING = ("number",)
MEMBERSHIP_ORDERING = ("-role", "joined_at", "id")


# Schemas -------------------------------------------------------------------------------------


class SpaceOut(Schema):
    """An interest space."""

    id: int
    slug: str
    name: str
    description: str
    icon: str = Field(description="A Bootstrap Icons name.")
    color: str
    visibility: Visibility
    gate_description: str = Field(description="What unlocks a gated space.")
    member_count: int
    topic_count: int
    url: str = Field(description="The space's page on the site.")
    is_member: bool = Field(description="Whether the caller has joined the space.")
    is_following: bool = Field(description="Whether the caller follows the space.")


class SpacePage(Schema):
    items: list[SpaceOut]
    next_cursor: str | None


class MembershipOut(Schema):
    """A member's membership of a space."""

    member: MemberSummary
    role: str = Field(description="`member` or `moderator`.")
    joined_at: datetime


class MembershipPage(Schema):
    items: list[MembershipOut]
    next_cursor: str | None


class SpaceRef(Schema):
    id: int
    slug: str
    name: str


class TagOut(Schema):
    name: str
    slug: str


class TopicOut(Schema):
    """A topic as listed: its opening post's text is in the topic detail."""

    id: int
    title: str
    slug: str
    kind: TopicKind
    url: str = Field(description="The topic's page on the site.")
    space: SpaceRef
    author: MemberSummary | None
    tags: list[TagOut]
    is_pinned: bool
    is_closed: bool
    reply_count: int
    reaction_count: int
    accepted_answer_id: int | None
    created_at: datetime
    last_posted_at: datetime
    last_poster: MemberSummary | None


class TopicPage(Schema):
    items: list[TopicOut]
    next_cursor: str | None


class ReactionCountOut(Schema):
    kind: ReactionKind
    emoji: str
    count: int
    mine: bool = Field(description="Whether the caller gave this reaction.")


class QuotedPostOut(Schema):
    id: int
    number: int
    author: MemberSummary | None


class PostOut(Schema):
    """The opening post (number 1) or a reply. Deleted posts keep their place, without text."""

    id: int
    topic_id: int
    number: int
    author: MemberSummary | None
    reply_to: QuotedPostOut | None
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="Sanitised HTML rendered from the Markdown.")
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    moderation_state: str | None = Field(
        None,
        description=(
            "`pending` (held for review), `hidden` (on flags) or `rejected`: such posts are "
            "shown only to their author and to moderators. null for every other post."
        ),
    )
    reaction_count: int
    reactions: list[ReactionCountOut]


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None


class TopicViewerOut(Schema):
    """What the caller may do with the topic."""

    is_following: bool
    can_reply: bool
    can_edit: bool
    can_accept_answer: bool
    can_moderate: bool


class TopicDetailOut(TopicOut):
    """A topic with its opening post and what the caller may do with it."""

    opening_post: PostOut
    viewer: TopicViewerOut


class TopicFilters(PageParams):
    space: CleanStr | None = Field(None, max_length=80, description="A space's slug.")
    kind: TopicKind | None = None
    unanswered: bool = Field(False, description="Only questions without an accepted answer.")
    tag: CleanStr | None = Field(None, max_length=80, description="A tag's slug.")


class TopicCreateIn(Schema):
    space: CleanStr = Field(max_length=80, description="The slug of the space to post in.")
    title: CleanStr
    body: CleanStr = Field(description="Markdown.")
    kind: TopicKind = TopicKind.DISCUSSION
    tags: list[CleanStr] = Field(default_factory=list, max_length=50)


class TopicUpdateIn(Schema):
    """Only the fields sent change. Pinning and closing are for moderators."""

    title: CleanStr | None = None
    body: CleanStr | None = Field(None, description="Markdown of the opening post.")
    tags: list[CleanStr] | None = Field(None, max_length=50)
    is_pinned: bool | None = None
    is_closed: bool | None = None


class ReplyCreateIn(Schema):
    body: CleanStr = Field(description="Markdown.")
    reply_to: ObjectId | None = Field(None, description="The id of a post in the same topic.")


class PostUpdateIn(Schema):
    body: CleanStr = Field(description="Markdown.")


class ReactionIn(Schema):
    kind: ReactionKind


class ReactionsOut(Schema):
    post_id: int
    reaction_count: int
    reactions: list[ReactionCountOut]


# Loading what the caller may see --------------------------------------------------------------


def _visible_space(user, slug: str) -> Space:
    if "\x00" in slug:
        raise Http404(_("No such space."))
    try:
        return permissions.get_visible_space(user, slug)
    except PermissionDenied as denied:
        raise Http404(_("No such space.")) from denied


def _space_for_membership(slug: str) -> Space:
    """Joining and leaving name any listed space; the join service asks gated spaces' gates."""
    space = queries.space_by_slug(slug) if "\x00" not in slug else None
    if space is None:
        raise Http404(_("No such space."))
    return space


def _visible_topic(user, topic_id: int) -> Topic:
    """permissions.access_topic; a locked space is a 404 here, so ids cannot be probed."""
    ensure_id(topic_id, message=_("No such topic."))
    try:
        return permissions.access_topic(user, topic_id)
    except PermissionDenied as denied:
        raise Http404(_("No such topic.")) from denied


def _visible_post(user, post_id: int, *, allow_deleted: bool = False) -> Post:
    """permissions.access_post; a locked space is a 404 here, so ids cannot be probed."""
    ensure_id(post_id, message=_("No such post."))
    try:
        return permissions.access_post(user, post_id, allow_deleted=allow_deleted)
    except PermissionDenied as denied:
        raise Http404(_("No such post.")) from denied


def _topic_with_related(topic_id: int) -> Topic:
    return (
        permissions.with_topic_moderation_state(
            Topic.objects.select_related("space", "author", "last_poster")
        )
        .prefetch_related("tags")
        .get(pk=topic_id)
    )


def _post_with_related(post: Post) -> Post:
    """The post, already checked by _visible_post, with what PostOut shows fetched."""
    fetched = queries.with_post_display(Post.objects.filter(pk=post.pk)).get()
    fetched.moderation_state = permissions.post_moderation_state(post)
    return fetched


# Shaping answers ------------------------------------------------------------------------------


def _space_out(space: Space, *, joined_ids: set[int], followed_ids: set[int]) -> dict:
    return {
        "id": space.pk,
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "icon": space.icon,
        "color": space.color,
        "visibility": space.visibility,
        "gate_description": space.gate_description,
        "member_count": space.member_count,
        "topic_count": space.topic_count,
        "url": reverse("community:space", kwargs={"slug": space.slug}),
        "is_member": space.pk in joined_ids,
        "is_following": space.pk in followed_ids,
    }


def _space_relations(user, space_ids: list[int]) -> tuple[set[int], set[int]]:
    """Which of these spaces the caller joined and follows: two queries for any number."""
    if not user.is_authenticated or not space_ids:
        return set(), set()
    joined = set(
        SpaceMembership.objects.filter(member=user, space_id__in=space_ids).values_list(
            "space_id", flat=True
        )
    )
    followed = set(
        Follow.objects.filter(follower=user, space_id__in=space_ids).values_list(
            "space_id", flat=True
        )
    )
    return joined, followed


def _topic_out(topic: Topic) -> dict:
    return {
        "id": topic.pk,
        "title": topic.title,
        "slug": topic.slug,
        "kind": topic.kind,
        "url": topic.get_absolute_url(),
        "space": {"id": topic.space.pk, "slug": topic.space.slug, "name": topic.space.name},
        "author": member_summary(topic.author),
        "tags": [{"name": tag.name, "slug": tag.slug} for tag in topic.tags.all()],
        "is_pinned": topic.is_pinned,
        "is_closed": topic.is_closed,
        "reply_count": topic.reply_count,
        "reaction_count": topic.reaction_count,
        "accepted_answer_id": topic.accepted_answer_id,
        "created_at": topic.created_at,
        "last_posted_at": topic.last_posted_at,
        "last_poster": member_summary(topic.last_poster),
    }


def _post_out(post: Post, *, viewer_id: int | None) -> dict:
    quoted = post.reply_to
    return {
        "id": post.pk,
        "topic_id": post.topic_id,
        "number": post.number,
        "author": member_summary(post.author),
        "reply_to": (
            {"id": quoted.pk, "number": quoted.number, "author": member_summary(quoted.author)}
            if quoted is not None
            else None
        ),
        "body": "" if post.is_deleted else post.body,
        "body_html": "" if post.is_deleted else post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "is_deleted": post.is_deleted,
        "moderation_state": getattr(post, "moderation_state", None) or None,
        "reaction_count": post.reaction_count,
        "reactions": queries.reaction_summary(post, viewer_id=viewer_id),
    }


def _topic_detail_out(user, topic_id: int) -> dict:
    """The topic, already checked by _visible_topic (so its opening post is one the user
    may see, held or hidden ones included for their author and moderators)."""
    topic = _topic_with_related(topic_id)
    opening_post = queries.with_post_display(topic.posts.filter(number=1)).get()
    opening_post.moderation_state = permissions.topic_moderation_state(topic)
    signed_in = user.is_authenticated
    is_moderator = permissions.is_moderator_of(user, topic.space)
    is_author = signed_in and topic.author_id == user.pk
    try:
        permissions.check_topic_reply_permission(user, topic)
        can_reply = True
    except PermissionDenied:
        can_reply = False
    return {
        **_topic_out(topic),
        "opening_post": _post_out(opening_post, viewer_id=user.pk if signed_in else None),
        "viewer": {
            "is_following": signed_in
            and Follow.objects.filter(follower=user, topic=topic).exists(),
            "can_reply": can_reply,
            "can_edit": is_author or is_moderator,
            "can_accept_answer": topic.kind == TopicKind.QUESTION and (is_author or is_moderator),
            "can_moderate": is_moderator,
        },
    }


def _reactions_out(post: Post, *, user) -> dict:
    post = _post_with_related(post)
    viewer_id = user.pk
    return {
        "post_id": post.pk,
        "reaction_count": post.reaction_count,
        "reactions": queries.reaction_summary(post, viewer_id=viewer_id),
    }


# Cached items ---------------------------------------------------------------------------------
#
# A list's items are the same JSON for every caller who may see them (the lists hold only what
# permissions let the caller read): each is cached as its JSON text under a key holding the
# topic's version (bumped by every change the item shows) and a digest of everything else it
# shows, the caller's own reactions included. A list is then one get_many and a join; a miss
# goes through the schema exactly as django-ninja would render it, so both are byte-identical.


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _json_items(objects: list, *, keys: list[str], build, schema: type[Schema]) -> list[str]:
    found = cache.get_many(keys)
    missing = {}
    texts = []
    for key, obj in zip(keys, objects, strict=True):
        text = found.get(key)
        if text is None:
            data = schema.model_validate(build(obj)).model_dump(by_alias=True)
            text = json.dumps(data, cls=NinjaJSONEncoder)
            missing[key] = text
        texts.append(text)
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)
    return texts


def _page_response(texts: list[str], next_cursor: str | None) -> HttpResponse:
    body = '{"items": [' + ", ".join(texts) + '], "next_cursor": ' + json.dumps(next_cursor) + "}"
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _topic_key(topic: Topic) -> str:
    space = topic.space
    shown = (
        topic.title,
        topic.slug,
        topic.kind,
        topic.is_pinned,
        topic.is_closed,
        topic.reply_count,
        topic.reaction_count,
        topic.accepted_answer_id,
        topic.last_posted_at,
        (space.pk, space.slug, space.name),
        author_stamp(topic.author),
        getattr(topic.author, "role", None),
        tuple((tag.name, tag.slug) for tag in topic.tags.all()),
    )
    return f"api-topic:{topic.pk}:{topic.version}:{_digest(*shown)}"


def _post_key(post: Post, *, topic_version: int, reactions: list) -> str:
    quoted = post.reply_to
    shown = (
        post.number,
        # The row's text and time, so an UPDATE no service made (no version bump) shows too.
        post.created_at,
        post.body,
        post.body_html,
        post.edited_at,
        post.deleted_at is not None,
        post.reaction_count,
        getattr(post, "moderation_state", None),
        author_stamp(post.author),
        getattr(post.author, "role", None),
        (quoted.pk, quoted.number, author_stamp(quoted.author)) if quoted is not None else (),
        repr(reactions),
    )
    return f"api-post:{post.pk}:{topic_version}:{_digest(*shown)}"


# Spaces ---------------------------------------------------------------------------------------


@spaces_router.get(
    "",
    response={200: SpacePage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List spaces",
)
def list_spaces(request: HttpRequest, page: Query[PageParams]):
    """Spaces the caller may read, in the hub's order."""
    user = viewer(request)
    result = paginate(
        queries.readable_spaces_for(user),
        ordering=SPACE_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
    )
    joined, followed = _space_relations(user, [space.pk for space in result.items])
    return {
        "items": [_space_out(s, joined_ids=joined, followed_ids=followed) for s in result.items],
        "next_cursor": result.next_cursor,
    }


@spaces_router.get(
    "/{slug}",
    response={200: SpaceOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get a space",
)
def get_space(request: HttpRequest, slug: str):
    user = viewer(request)
    space = _visible_space(user, slug)
    joined, followed = _space_relations(user, [space.pk])
    return _space_out(space, joined_ids=joined, followed_ids=followed)


@spaces_router.post(
    "/{slug}/join",
    response={200: SpaceOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Join a space",
)
def join_space(request: HttpRequest, slug: str):
    """Join (and follow) a space. A gated space answers 409 with what unlocks it."""
    user = viewer(request)
    space = _space_for_membership(slug)
    services.join_space(member=user, space=space)
    space.refresh_from_db()
    joined, followed = _space_relations(user, [space.pk])
    return _space_out(space, joined_ids=joined, followed_ids=followed)


@spaces_router.post(
    "/{slug}/leave",
    response={204: None, **WRITE_ERRORS},
    auth=member_required,
    summary="Leave a space",
)
def leave_space(request: HttpRequest, slug: str):
    services.leave_space(member=viewer(request), space=_space_for_membership(slug))
    return Status(204, None)


@spaces_router.get(
    "/{slug}/members",
    response={200: MembershipPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List a space's members",
)
def list_space_members(request: HttpRequest, slug: str, page: Query[PageParams]):
    """Moderators first, then members in the order they joined."""
    space = _visible_space(viewer(request), slug)
    result = paginate(
        queries.space_members(space),
        ordering=MEMBERSHIP_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
    )
    return {
        "items": [
            {"member": member_summary(m.member), "role": m.role, "joined_at": m.joined_at}
            for m in result.items
        ],
        "next_cursor": result.next_cursor,
    }


@spaces_router.post(
    "/{slug}/follow",
    response={200: FollowOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Follow a space",
)
def follow_space(request: HttpRequest, slug: str):
    user = viewer(request)
    services.follow(follower=user, space=_visible_space(user, slug))
    return {"following": True}


@spaces_router.delete(
    "/{slug}/follow",
    response={200: FollowOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Unfollow a space",
)
def unfollow_space(request: HttpRequest, slug: str):
    services.unfollow(follower=viewer(request), space=_space_for_membership(slug))
    return {"following": False}


# Topics ---------------------------------------------------------------------------------------


def _filtered_topics(user, filters: TopicFilters) -> QuerySet[Topic]:
    space = None
    if filters.space:
        try:
            space = _visible_space(user, filters.space)
        except Http404 as missing:
            raise InvalidInput(_("No such space."), field="space") from missing
    return queries.topics_for_listing(
        user,
        space=space,
        kind=filters.kind,
        unanswered=filters.unanswered,
        tag_slug=filters.tag,
    )


@topics_router.get(
    "",
    response={200: TopicPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List topics",
)
def list_topics(request: HttpRequest, filters: Query[TopicFilters]):
    """Topics the caller may read: pinned first, then the most recently active."""
    result = paginate(
        _filtered_topics(viewer(request), filters),
        ordering=TOPIC_ORDERING,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    topics = list(result.items)
    texts = _json_items(
        topics, keys=[_topic_key(t) for t in topics], build=_topic_out, schema=TopicOut
    )
    return member_cache.allow(_page_response(texts, result.next_cursor))


@topics_router.post(
    "",
    response={201: TopicDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Start a topic",
)
def create_topic(request: HttpRequest, payload: TopicCreateIn):
    """Start a topic in a space; announcements are for the brand team."""
    user = viewer(request)
    try:
        space = _visible_space(user, payload.space)
    except Http404 as missing:
        raise InvalidInput(_("No such space."), field="space") from missing
    topic = services.create_topic(
        author=user,
        space=space,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        tags=payload.tags,
    )
    return Status(201, _topic_detail_out(user, topic.pk))


@topics_router.get(
    "/{int:topic_id}",
    response={200: TopicDetailOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get a topic",
)
def get_topic(request: HttpRequest, topic_id: int):
    user = viewer(request)
    topic = _visible_topic(user, topic_id)
    return _topic_detail_out(user, topic.pk)


@topics_router.patch(
    "/{int:topic_id}",
    response={200: TopicDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Edit a topic",
)
def update_topic(request: HttpRequest, topic_id: int, payload: TopicUpdateIn):
    """Edit the title, tags and opening post (author or moderator); pin or close (moderator).

    All the changes are made together or not at all.
    """
    user = viewer(request)
    topic = _visible_topic(user, topic_id)
    with transaction.atomic():
        if payload.title is not None or payload.body is not None or payload.tags is not None:
            opening_post = topic.posts.get(number=1)
            services.edit_post(
                post=opening_post,
                editor=user,
                body=payload.body if payload.body is not None else opening_post.body,
                title=payload.title,
                tags=payload.tags,
            )
        if payload.is_pinned is not None or payload.is_closed is not None:
            services.set_topic_flags(
                topic=topic, by=user, pinned=payload.is_pinned, closed=payload.is_closed
            )
    return _topic_detail_out(user, topic.pk)


@topics_router.delete(
    "/{int:topic_id}",
    response={204: None, **WRITE_ERRORS},
    auth=member_required,
    summary="Delete a topic",
)
def delete_topic(request: HttpRequest, topic_id: int):
    """Delete a topic by deleting its opening post (author or moderator)."""
    user = viewer(request)
    topic = _visible_topic(user, topic_id)
    services.delete_post(post=topic.posts.get(number=1), by=user)
    return Status(204, None)


@topics_router.get(
    "/{int:topic_id}/replies",
    response={200: PostPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List a topic's replies",
)
def list_replies(request: HttpRequest, topic_id: int, page: Query[PageParams]):
    """Replies in order (the opening post is in the topic detail); the cursor is the number."""
    user = viewer(request)
    topic = _visible_topic(user, topic_id)
    result = paginate(
        queries.posts_for_topic(topic, viewer=user).filter(number__gt=1),
        ordering=REPLY_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
    )
    viewer_id = user.pk if user.is_authenticated else None
    posts = list(result.items)
    reactions = {post.pk: queries.reaction_summary(post, viewer_id=viewer_id) for post in posts}
    keys = [
        _post_key(post, topic_version=topic.version, reactions=reactions[post.pk]) for post in posts
    ]

    def build(post: Post) -> dict:
        return {**_post_out(post, viewer_id=viewer_id), "reactions": reactions[post.pk]}

    return member_cache.allow(
        _page_response(
            _json_items(posts, keys=keys, build=build, schema=PostOut), result.next_cursor
        )
    )


@topics_router.post(
    "/{int:topic_id}/replies",
    response={201: PostOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Reply in a topic",
)
def create_reply(request: HttpRequest, topic_id: int, payload: ReplyCreateIn):
    user = viewer(request)
    topic = _visible_topic(user, topic_id)
    reply_to = None
    if payload.reply_to is not None:
        # A post the caller may not see is as absent as one that never was (404): replying to
        # it would quote, and so leak, its text.
        reply_to = _visible_post(user, payload.reply_to)
        if reply_to.topic_id != topic.pk:
            raise InvalidInput(_("There is no such post in this topic."), field="reply_to")
    post = services.create_reply(author=user, topic=topic, body=payload.body, reply_to=reply_to)
    return Status(201, _post_out(_post_with_related(post), viewer_id=user.pk))


@topics_router.delete(
    "/{int:topic_id}/accepted-answer",
    response={200: TopicDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Withdraw the accepted answer",
)
def unaccept_answer(request: HttpRequest, topic_id: int):
    user = viewer(request)
    topic = _visible_topic(user, topic_id)
    services.unaccept_answer(topic=topic, by=user)
    return _topic_detail_out(user, topic.pk)


@topics_router.post(
    "/{int:topic_id}/follow",
    response={200: FollowOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Follow a topic",
)
def follow_topic(request: HttpRequest, topic_id: int):
    user = viewer(request)
    services.follow(follower=user, topic=_visible_topic(user, topic_id))
    return {"following": True}


@topics_router.delete(
    "/{int:topic_id}/follow",
    response={200: FollowOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Unfollow a topic",
)
def unfollow_topic(request: HttpRequest, topic_id: int):
    user = viewer(request)
    services.unfollow(follower=user, topic=_visible_topic(user, topic_id))
    return {"following": False}


# Posts ----------------------------------------------------------------------------------------


@posts_router.get(
    "/{int:post_id}",
    response={200: PostOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get a post",
)
def get_post(request: HttpRequest, post_id: int):
    user = viewer(request)
    # A deleted post answers as a tombstone (its place, no text).
    post = _post_with_related(_visible_post(user, post_id, allow_deleted=True))
    return _post_out(post, viewer_id=user.pk if user.is_authenticated else None)


@posts_router.patch(
    "/{int:post_id}",
    response={200: PostOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Edit a post",
)
def update_post(request: HttpRequest, post_id: int, payload: PostUpdateIn):
    """Edit a reply or an opening post's text (author or moderator); history is kept."""
    user = viewer(request)
    post = services.edit_post(post=_visible_post(user, post_id), editor=user, body=payload.body)
    return _post_out(_post_with_related(post), viewer_id=user.pk)


@posts_router.delete(
    "/{int:post_id}",
    response={204: None, **WRITE_ERRORS},
    auth=member_required,
    summary="Delete a post",
)
def delete_post(request: HttpRequest, post_id: int):
    """Delete a post (author or moderator); deleting the opening post deletes the topic."""
    user = viewer(request)
    services.delete_post(post=_visible_post(user, post_id), by=user)
    return Status(204, None)


@posts_router.post(
    "/{int:post_id}/accept",
    response={200: TopicDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Accept a reply as the answer",
)
def accept_answer(request: HttpRequest, post_id: int):
    """Mark a reply as its question's answer (the asker or a moderator)."""
    user = viewer(request)
    topic = services.accept_answer(reply=_visible_post(user, post_id), by=user)
    return _topic_detail_out(user, topic.pk)


@posts_router.post(
    "/{int:post_id}/reactions",
    response={200: ReactionsOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Add a reaction",
)
def add_reaction(request: HttpRequest, post_id: int, payload: ReactionIn):
    """Give a reaction; giving one the caller already gave changes nothing."""
    user = viewer(request)
    post = _visible_post(user, post_id)
    if not post.reactions.filter(member=user, kind=payload.kind).exists():
        services.toggle_reaction(member=user, post=post, kind=payload.kind)
    return _reactions_out(post, user=user)


@posts_router.delete(
    "/{int:post_id}/reactions/{kind}",
    response={200: ReactionsOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Remove a reaction",
)
def remove_reaction(request: HttpRequest, post_id: int, kind: ReactionKind):
    """Take back a reaction; taking back one the caller did not give changes nothing."""
    user = viewer(request)
    post = _visible_post(user, post_id)
    if post.reactions.filter(member=user, kind=kind).exists():
        services.toggle_reaction(member=user, post=post, kind=kind)
    return _reactions_out(post, user=user)


@posts_router.post(
    "/{int:post_id}/reactions/{kind}/toggle",
    response={200: ReactionsOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Toggle a reaction",
)
def toggle_reaction(request: HttpRequest, post_id: int, kind: ReactionKind):
    """Give the reaction if the caller has not, else take it back."""
    user = viewer(request)
    post = _visible_post(user, post_id)
    services.toggle_reaction(member=user, post=post, kind=kind)
    return _reactions_out(post, user=user)
