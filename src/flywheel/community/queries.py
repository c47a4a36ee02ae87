"""Reads shared by pages, the API and tasks. Each returns a queryset with what it needs fetched."""

from django.db.models import Prefetch, QuerySet

from flywheel.community import permissions
from flywheel.community.models import Post, Reaction, Space, SpaceMembership, Topic, TopicKind


def spaces_for(user) -> QuerySet[Space]:
    """Every space, in order; locked ones included so members can discover them."""
    return Space.objects.order_by("position", "name")


def readable_spaces_for(user) -> QuerySet[Space]:
    return permissions.filter_spaces_queryset(user).order_by("position", "name")


def topics_for_listing(
    user,
    *,
    space: Space | None = None,
    kind: str | None = None,
    unanswered: bool = False,
    tag_slug: str | None = None,
) -> QuerySet[Topic]:
    """Topics the user may read, pinned first, then most recently active."""
    queryset = Topic.objects.listed()
    if space is not None:
        permissions.check_space_view_permission(user, space)
        queryset = queryset.filter(space=space)
    else:
        queryset = permissions.filter_topics_queryset(user, queryset)
    if kind:
        queryset = queryset.filter(kind=kind)
    if unanswered:
        queryset = queryset.filter(kind=TopicKind.QUESTION, accepted_answer__isnull=True)
    if tag_slug:
        queryset = queryset.filter(tags__slug=tag_slug)
    return (
        queryset.select_related("space", "author", "last_poster")
        .prefetch_related("tags")
        .order_by("-is_pinned", "-last_posted_at", "-id")
    )


def posts_for_topic(topic: Topic) -> QuerySet[Post]:
    """A topic's posts in order, with authors, quoted posts and reactions fetched up front."""
    return (
        Post.objects.filter(topic=topic)
        .select_related("author", "reply_to__author")
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.only("id", "post_id", "member_id", "kind"))
        )
        .order_by("number")
    )


def reaction_summary(post: Post, *, viewer_id: int | None) -> list[dict]:
    """[{kind, emoji, count, mine}] for the reactions prefetched on a post."""
    from flywheel.community.models import ReactionKind

    counts: dict[str, int] = {}
    mine: set[str] = set()
    for reaction in post.reactions.all():
        counts[reaction.kind] = counts.get(reaction.kind, 0) + 1
        if viewer_id is not None and reaction.member_id == viewer_id:
            mine.add(reaction.kind)
    return [
        {"kind": kind, "emoji": label, "count": counts.get(kind, 0), "mine": kind in mine}
        for kind, label in ReactionKind.choices
    ]


def space_members(space: Space) -> QuerySet[SpaceMembership]:
    return space.memberships.select_related("member").order_by("-role", "joined_at")
