"""Reads shared by pages, the API and tasks. Each returns a queryset with what it needs fetched."""

import re

from django.db.models import Prefetch, QuerySet

from flywheel.community import permissions
from flywheel.community.models import Post, Reaction, Space, SpaceMembership, Topic, TopicKind
from flywheel.core import hooks


def hidden_among(post_ids, *, topic: Topic | None = None) -> set[int]:
    """Which of `post_ids` readers do not see (held, hidden or rejected by moderation)."""
    hidden: set[int] = set()
    for provider in hooks.post_visibility:
        hidden.update(
            provider.hidden_post_ids(topic)
            .filter(post_id__in=post_ids)
            .values_list("post_id", flat=True)
        )
    return hidden


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
    """Topics the user may read (permissions.filter_topics_queryset), pinned first, then most
    recently active."""
    queryset = permissions.filter_topics_queryset(user, space=space)
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


def posts_for_topic(
    topic: Topic, *, viewer=None, viewer_is_moderator: bool = False
) -> QuerySet[Post]:
    """A topic's posts in order, with authors, quoted posts and reactions fetched up front.

    The topic must have been checked (permissions.access_topic). Posts moderation holds or
    hides are left out as permissions.filter_topic_posts_queryset says: the viewer's own
    pending and hidden ones stay, and a moderator's every one, annotated with
    `moderation_state` so the page can mark them. Without a viewer: what a signed-out reader sees.
    """
    return with_post_display(
        permissions.filter_topic_posts_queryset(viewer, topic, is_moderator=viewer_is_moderator)
    )


def with_post_display(queryset: QuerySet[Post]) -> QuerySet[Post]:
    """Posts (already scoped by permissions) in order, with authors, quoted posts and
    reactions fetched up front."""
    return (
        queryset.select_related("author", "reply_to__author")
        .prefetch_related(
            Prefetch(
                "reactions", queryset=Reaction.objects.only("id", "post_id", "member_id", "kind")
            )
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


def readable_space_ids(user) -> set[int]:
    """Ids of the spaces the user may read, in one query (for lock badges on space grids)."""
    return set(permissions.filter_spaces_queryset(user).values_list("pk", flat=True))


def membership_for(user, space: Space) -> SpaceMembership | None:
    if not user.is_authenticated:
        return None
    return SpaceMembership.objects.filter(space=space, member=user).first()


def is_following(user, *, topic: Topic | None = None, space: Space | None = None) -> bool:
    from flywheel.community.models import Follow

    if not user.is_authenticated:
        return False
    if topic is not None:
        return Follow.objects.filter(follower=user, topic=topic).exists()
    return Follow.objects.filter(follower=user, space=space).exists()


def moderator_ids(space: Space) -> set[int]:
    """Members holding the moderator role in this space (brand team badges are separate)."""
    return set(space.memberships.filter(role="moderator").values_list("member_id", flat=True))


POPULAR_TAGS_CACHE_SECONDS = 600


def popular_tags(space: Space, *, limit: int = 12) -> list:
    """The tags most used on the space's listed topics, most used first.

    Counting reads every topic of the space (13 ms for 12k topics in bench/), and the ranking
    changes slowly, so it is cached for ten minutes per space.
    """
    from django.core.cache import cache
    from django.db.models import Count

    from flywheel.community.models import Tag

    key = f"community:popular_tags:{space.pk}:{limit}"
    tags = cache.get(key)
    if tags is None:
        # The filter and the Count share one join: only this space's listed topics count.
        tags = list(
            Tag.objects.filter(topics__space=space, topics__deleted_at__isnull=True)
            .annotate(use_count=Count("topics"))
            .order_by("-use_count", "name")[:limit]
        )
        cache.set(key, tags, POPULAR_TAGS_CACHE_SECONDS)
    return tags


def post_with_reactions(post_id: int) -> Post | None:
    """One post with its topic, space and reactions, as the reactions bar needs it."""
    return (
        Post.objects.select_related("topic__space", "author")
        .prefetch_related(
            Prefetch(
                "reactions", queryset=Reaction.objects.only("id", "post_id", "member_id", "kind")
            )
        )
        .filter(pk=post_id)
        .first()
    )


def post_revisions(post: Post):
    return post.revisions.select_related("editor").order_by("-created_at", "-id")


def post_position(post: Post) -> int:
    """How many posts come before this one in its topic (for finding its page)."""
    return Post.objects.filter(topic_id=post.topic_id, number__lt=post.number).count()


def space_by_slug(slug: str) -> Space | None:
    return Space.objects.filter(slug=slug).first()


SPACE_COLOURS_CACHE_SECONDS = 60
SPACE_COLOURS_CACHE_KEY = "community:spaces_css"
_SIX_DIGIT_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_THREE_DIGIT_COLOUR = re.compile(r"#[0-9a-fA-F]{3}")


def css_colour(value: str | None) -> str | None:
    """A staff-chosen colour as #rrggbb (#rgb is widened), or None when it is anything else:
    only a validated colour ever reaches the stylesheet."""
    value = (value or "").strip()
    if _SIX_DIGIT_COLOUR.fullmatch(value):
        return value.lower()
    if _THREE_DIGIT_COLOUR.fullmatch(value):
        return "#" + "".join(digit * 2 for digit in value[1:]).lower()
    return None


def space_colour_stylesheet() -> str:
    """`.fw-space-<id> { --space-color: #rrggbb; }` for every space with a valid colour.

    Templates put the class on space cards, chips and headers instead of a style="" attribute,
    which the Content-Security-Policy blocks. One small query, cached for a minute.
    """
    from django.core.cache import cache

    css = cache.get(SPACE_COLOURS_CACHE_KEY)
    if css is None:
        lines = ["/* Space colours: generated by Flywheel from each space's settings. */"]
        for space_id, colour in Space.objects.order_by("pk").values_list("pk", "color"):
            colour = css_colour(colour)
            if colour is not None:
                lines.append(f".fw-space-{space_id} {{ --space-color: {colour}; }}")
        css = "\n".join(lines) + "\n"
        cache.set(SPACE_COLOURS_CACHE_KEY, css, SPACE_COLOURS_CACHE_SECONDS)
    return css
