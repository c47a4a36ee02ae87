"""Who may see and do what in the hub. Pages, the API and tasks all ask these functions.

Visibility has one home here, as Zulip's ``access_message`` / ``access_stream_by_id``:
``access_topic`` and ``access_post`` fetch one object and apply every rule (deleted, held for
review, hidden on flags, rejected, members-only and gated spaces, and for a post its topic's
own state); ``filter_topics_queryset`` and ``filter_posts_queryset`` (``visible_posts_q`` for
rows of other apps that point at posts) apply the same rules to lists. Every page, htmx
fragment, API operation, e-mail, search result, notification, quote and edit history reads
through them, so a rule cannot be forgotten on one path.
"""

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet, Value
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.community.models import (
    Post,
    PostImage,
    Space,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
    Visibility,
)
from flywheel.core import hooks


def is_moderator_of(user, space: Space, *, moderator_ids: set[int] | None = None) -> bool:
    """moderator_ids: the space's moderators (queries.moderator_ids), when the caller has
    them already; saves asking again."""
    if not user.is_authenticated:
        return False
    if user.is_brand_team or user.is_superuser:
        return True
    if moderator_ids is not None:
        return user.pk in moderator_ids
    return SpaceMembership.objects.filter(space=space, member=user, role="moderator").exists()


def passes_gate(user, space: Space) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_brand_team or user.is_superuser:
        return True
    if SpaceAccessGrant.objects.filter(space=space, member=user).exists():
        return True
    # Other apps (commerce purchases, reward tiers) register into hooks.gate_checks.
    return any(check(user, space) for check in hooks.gate_checks)


def can_view_space(user, space: Space) -> bool:
    """The one place that decides access to a space (read access implies search visibility)."""
    if space.visibility == Visibility.PUBLIC:
        return True
    if space.visibility == Visibility.MEMBERS:
        return user.is_authenticated and user.is_active
    return passes_gate(user, space)


def check_space_view_permission(user, space: Space) -> None:
    if not can_view_space(user, space):
        raise PermissionDenied(_("This space is open to its members only."))


def check_space_post_permission(user, space: Space) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to post."))
    check_space_view_permission(user, space)


def check_topic_reply_permission(user, topic: Topic) -> None:
    check_space_post_permission(user, topic.space)
    if topic.is_closed and not is_moderator_of(user, topic.space):
        raise PermissionDenied(_("This topic is closed to new replies."))


def check_post_edit_permission(user, post: Post) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to edit."))
    if post.is_deleted:
        raise PermissionDenied(_("A deleted post cannot be edited."))
    if post.author_id != user.pk and not is_moderator_of(user, post.topic.space):
        raise PermissionDenied(_("You can only edit your own posts."))


def check_post_delete_permission(user, post: Post) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to delete."))
    if post.author_id != user.pk and not is_moderator_of(user, post.topic.space):
        raise PermissionDenied(_("You can only delete your own posts."))


def check_accept_answer_permission(user, topic: Topic) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to accept an answer."))
    if topic.author_id != user.pk and not is_moderator_of(user, topic.space):
        raise PermissionDenied(_("Only the asker or a moderator can accept an answer."))


def check_topic_moderate_permission(user, topic: Topic) -> None:
    if not is_moderator_of(user, topic.space):
        raise PermissionDenied(_("Only moderators can do that."))


def filter_spaces_queryset(user, queryset: QuerySet[Space] | None = None) -> QuerySet[Space]:
    """Spaces the user may read. Gated spaces stay listed (locked) for discovery elsewhere."""
    queryset = Space.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.filter(visibility=Visibility.PUBLIC)
    if user.is_brand_team or user.is_superuser:
        return queryset
    readable = Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(
        access_grants__member=user
    )
    extra_ids = [
        space.pk
        for space in Space.objects.filter(visibility=Visibility.GATED)
        if hooks.gate_checks and any(check(user, space) for check in hooks.gate_checks)
    ]
    return queryset.filter(readable | Q(pk__in=extra_ids)).distinct()


# ---------------------------------------------------------------- visibility of topics and posts


class SpaceLocked(PermissionDenied):
    """The viewer may not read the space the object is in. Pages explain how to get in; the
    API answers 404 (as for anything the caller may not see, so ids cannot be probed)."""

    def __init__(self, space: Space):
        super().__init__(_("This space is open to its members only."))
        self.space = space


class _NothingModerated:
    """Stands in for hooks.post_visibility when no app registers into it: nothing is hidden."""

    hidden_states: tuple[str, ...] = ()
    own_visible_states: tuple[str, ...] = ()

    def hidden_post_ids(self, topic=None) -> QuerySet:
        return Post.objects.none().values("pk")

    def hidden_topic_ids(self) -> QuerySet:
        return Topic.objects.none().values("pk")

    def post_state_annotation(self, post_ref: str = "pk"):
        return Value(None, output_field=CharField())

    def topic_state_annotation(self, topic_ref: str = "pk"):
        return Value(None, output_field=CharField())

    def post_state(self, post: Post) -> str:
        return ""

    def topic_state(self, topic: Topic) -> str:
        return ""

    def marker(self, state: str | None) -> str:
        return ""


def _moderation():
    """The registered provider of moderation states (moderation registers one): the rules
    below read held, hidden and rejected posts through it, so community imports no app
    built on it."""
    for provider in hooks.post_visibility:
        return provider
    return _NothingModerated()


def hidden_post_ids(topic: Topic | None = None) -> QuerySet:
    """A subquery of the ids of posts moderation holds, hides or rejected."""
    return _moderation().hidden_post_ids(topic)


def hidden_topic_ids() -> QuerySet:
    """A subquery of the ids of topics whose opening post moderation holds, hides or rejected."""
    return _moderation().hidden_topic_ids()


def moderation_marker(state: str | None) -> str:
    """What a page shows on a post held, hidden or rejected ("" otherwise)."""
    return _moderation().marker(state) if state else ""


def with_topic_moderation_state(queryset: QuerySet[Topic]) -> QuerySet[Topic]:
    """Topics annotated with their opening post's moderation state, for the rules below."""
    return queryset.annotate(opening_moderation_state=_moderation().topic_state_annotation("pk"))


_NOT_FETCHED = object()


def topic_moderation_state(topic: Topic) -> str:
    """The moderation state of the topic's opening post ("" when moderation never touched it).

    Free for topics fetched by access_topic/access_post (annotated); one query otherwise."""
    state = getattr(topic, "opening_moderation_state", _NOT_FETCHED)
    if state is _NOT_FETCHED:
        state = _moderation().topic_state(topic)
        topic.opening_moderation_state = state
    return state or ""


def post_moderation_state(post: Post) -> str:
    """The post's moderation state ("" when untouched): annotated on lists, selected by
    access_post, else one query."""
    state = getattr(post, "moderation_state", _NOT_FETCHED)
    if state is not _NOT_FETCHED:
        return state or ""
    return _moderation().post_state(post)


def _moderator_check(user, space: Space) -> Callable[[], bool]:
    """Whether the user moderates the space, asked at most once and only when a rule needs it
    (a live post in a readable space costs no query for it)."""
    return functools.cache(lambda: is_moderator_of(user, space))


def may_see_moderated(user, *, state: str, author_id: int | None, is_moderator) -> bool:
    """The moderation rule: text held for review or hidden on flags is shown to its author
    (marked) and to the space's moderators; rejected text to moderators only."""
    moderation = _moderation()
    if state not in moderation.hidden_states:
        return True
    if state in moderation.own_visible_states and user.is_authenticated and author_id == user.pk:
        return True
    return is_moderator()


def _check_topic(user, topic: Topic, is_moderator) -> None:
    if topic.deleted_at is not None:
        raise Http404(_("No such topic."))
    if not can_view_space(user, topic.space):
        raise SpaceLocked(topic.space)
    if not may_see_moderated(
        user,
        state=topic_moderation_state(topic),
        author_id=topic.author_id,
        is_moderator=is_moderator,
    ):
        raise Http404(_("No such topic."))


def check_topic_view_permission(user, topic: Topic) -> None:
    """Http404 for a deleted topic or one moderation keeps from the user; SpaceLocked
    (a PermissionDenied) when its space is closed to the user."""
    _check_topic(user, topic, _moderator_check(user, topic.space))


def check_post_view_permission(user, post: Post, *, allow_deleted: bool = False) -> None:
    """The topic's rules, then the post's own: a deleted post is for moderators (its edit
    history, a quote), except with `allow_deleted`, where it keeps its place without its text
    (a permalink, the API's tombstone); a held, hidden or rejected one as may_see_moderated."""
    is_moderator = _moderator_check(user, post.topic.space)
    _check_topic(user, post.topic, is_moderator)
    if post.is_deleted and not allow_deleted and not is_moderator():
        raise Http404(_("No such post."))
    if not may_see_moderated(
        user,
        state=post_moderation_state(post),
        author_id=post.author_id,
        is_moderator=is_moderator,
    ):
        raise Http404(_("No such post."))


def can_view_topic(user, topic: Topic) -> bool:
    try:
        check_topic_view_permission(user, topic)
    except (Http404, PermissionDenied):
        return False
    return True


def can_view_post(user, post: Post, *, allow_deleted: bool = False) -> bool:
    try:
        check_post_view_permission(user, post, allow_deleted=allow_deleted)
    except (Http404, PermissionDenied):
        return False
    return True


def access_topic(user, topic_id: int) -> Topic:
    """The topic, with its space and author, if the user may see it: the one getter.

    Raises Http404 (no such topic, deleted, or kept from the user by moderation) or
    SpaceLocked. One query, however the rules come out for a member of a readable space.
    """
    topic = (
        with_topic_moderation_state(Topic.objects.select_related("space", "author"))
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise Http404(_("No such topic."))
    check_topic_view_permission(user, topic)
    return topic


def access_post(user, post_id: int, *, allow_deleted: bool = False) -> Post:
    """The post, with its topic, space, author and moderation state, if the user may see it.

    Raises Http404 or SpaceLocked as check_post_view_permission. One query.
    """
    moderation = _moderation()
    post = (
        Post.objects.select_related("topic__space", "topic__author", "author")
        .annotate(
            moderation_state=moderation.post_state_annotation("pk"),
            topic_moderation_state=moderation.topic_state_annotation("topic_id"),
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise Http404(_("No such post."))
    post.topic.opening_moderation_state = post.topic_moderation_state
    check_post_view_permission(user, post, allow_deleted=allow_deleted)
    return post


def access_post_image(user, key: str) -> PostImage:
    """An image uploaded from a composer, if the user may see it: the post it is in as
    access_post decides (members-only, gated, deleted, held or hidden posts keep their images
    to whoever may read them); before it is in a post, its uploader only. Http404 otherwise
    (SpaceLocked for a locked space)."""
    image = PostImage.objects.filter(key=key).first()
    if image is None:
        raise Http404(_("No such image."))
    if image.post_id is None:
        if not (user.is_authenticated and user.pk == image.uploader_id):
            raise Http404(_("No such image."))
        return image
    access_post(user, image.post_id)
    return image


def filter_topics_queryset(
    user,
    queryset: QuerySet[Topic] | None = None,
    *,
    space: Space | None = None,
    readable_spaces: QuerySet | None = None,
) -> QuerySet[Topic]:
    """Topics a list may show the user: not deleted, in a space the user reads (`space`, which
    is checked, else every readable one), and not held, hidden or rejected. Lists leave those
    out for everyone: authors and moderators reach them by their address and the queue.

    `readable_spaces` (filter_spaces_queryset(user).values("pk")) saves asking the gates
    again when a page builds several lists."""
    queryset = Topic.objects.all() if queryset is None else queryset
    if space is not None:
        if not can_view_space(user, space):
            raise SpaceLocked(space)
        return queryset.filter(space=space, deleted_at__isnull=True).exclude(
            pk__in=hidden_topic_ids()
        )
    return queryset.filter(visible_topics_q(user, readable_spaces=readable_spaces))


def visible_topics_q(
    user, *, topic: str = "", space: str = "space", readable_spaces: QuerySet | None = None
) -> Q:
    """The condition filter_topics_queryset applies, for any model that points at topics
    (`topic` and `space` are the lookup paths: "topic__" and "topic__space" for a
    notification)."""
    if readable_spaces is None:
        readable_spaces = filter_spaces_queryset(user).values("pk")
    return (
        Q(**{f"{topic}deleted_at__isnull": True})
        & Q(**{f"{space}__in": readable_spaces})
        & ~Q(**{f"{topic}pk__in": hidden_topic_ids()})
    )


def visible_posts_q(
    user,
    *,
    post: str = "",
    topic: str = "topic__",
    space: str = "topic__space",
    readable_spaces: QuerySet | None = None,
) -> Q:
    """The condition filter_posts_queryset applies, for any model that points at posts:
    `post`, `topic` and `space` are the lookup paths from it to the post, the post's topic
    and its space ("post__", "topic__", "space" for a search document)."""
    return (
        visible_topics_q(user, topic=topic, space=space, readable_spaces=readable_spaces)
        & Q(**{f"{post}deleted_at__isnull": True})
        & ~Q(**{f"{post}pk__in": hidden_post_ids()})
    )


def filter_posts_queryset(
    user, queryset: QuerySet[Post] | None = None, *, readable_spaces: QuerySet | None = None
) -> QuerySet[Post]:
    """Posts a list across topics may show the user (a profile, search): live posts of
    visible topics in readable spaces, nothing moderation holds, hides or rejected. (A
    topic's own page lists its posts with filter_topic_posts_queryset.)"""
    queryset = Post.objects.all() if queryset is None else queryset
    return queryset.filter(visible_posts_q(user, readable_spaces=readable_spaces))


def filter_topic_posts_queryset(
    user, topic: Topic, queryset: QuerySet[Post] | None = None, *, is_moderator: bool = False
) -> QuerySet[Post]:
    """The posts of one topic (already checked with access_topic) the user may see, deleted
    ones included as tombstones. Moderation applies as may_see_moderated: the author keeps
    their own held and hidden posts, moderators see every one; the state is annotated as
    `moderation_state` so pages can mark them."""
    queryset = Post.objects.filter(topic=topic) if queryset is None else queryset
    moderation = _moderation()
    if is_moderator:
        return queryset.annotate(moderation_state=moderation.post_state_annotation("pk"))
    if user is None or not user.is_authenticated:
        return queryset.exclude(pk__in=moderation.hidden_post_ids(topic))
    return queryset.exclude(pk__in=moderation.hidden_post_ids_for(topic, viewer=user)).annotate(
        moderation_state=moderation.post_state_annotation("pk")
    )


def get_visible_space(user, slug: str) -> Space:
    space = Space.objects.filter(slug=slug).first()
    if space is None:
        raise Http404(_("No such space."))
    check_space_view_permission(user, space)
    return space
