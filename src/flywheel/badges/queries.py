"""Badge reads shared by pages, the API and templates. Each is a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from flywheel.badges.models import Badge, BadgeGrant

NAME_BADGES = 3  # badges shown next to a member's name on posts
RECENT_HOLDERS = 5  # holders previewed per badge in the directory


def badge_directory() -> QuerySet[Badge]:
    """Active badges in display order, each with how many members hold it."""
    return (
        Badge.objects.filter(is_active=True)
        .annotate(holder_count=Count("grants__member", distinct=True))
        .order_by("position", "-grade", "name", "id")
    )


def badge_by_slug(slug: str) -> Badge | None:
    return (
        Badge.objects.filter(slug=slug, is_active=True)
        .annotate(holder_count=Count("grants__member", distinct=True))
        .first()
    )


def recent_holders(badge_ids: list[int], *, per_badge: int = RECENT_HOLDERS) -> dict[int, list]:
    """badge id → the members who most recently earned it (at most `per_badge`), one query."""
    if not badge_ids:
        return {}
    grants = (
        BadgeGrant.objects.filter(badge_id__in=badge_ids, member__is_active=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("badge_id")],
                order_by=[F("granted_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=per_badge)
        .select_related("member")
        .order_by("badge_id", "rank")
    )
    holders: dict[int, list] = {badge_id: [] for badge_id in badge_ids}
    for grant in grants:
        holders[grant.badge_id].append(grant.member)
    return holders


def holders_of(badge: Badge) -> QuerySet[BadgeGrant]:
    """Grants of a badge with their members, newest first (for a paginated list)."""
    return (
        BadgeGrant.objects.filter(badge=badge, member__is_active=True)
        .select_related("member")
        .order_by("-granted_at", "-id")
    )


@dataclass(frozen=True)
class HeldBadge:
    badge: Badge
    times: int
    first_granted_at: datetime
    reason: str


def grants_of(member) -> QuerySet[BadgeGrant]:
    return (
        BadgeGrant.objects.filter(member=member, badge__is_active=True)
        .select_related("badge")
        .order_by("-badge__grade", "granted_at", "id")
    )


def held_badges(grants) -> list[HeldBadge]:
    """Grants (best grade first) folded into one entry per badge with how often it was earned."""
    by_badge: dict[int, HeldBadge] = {}
    for grant in grants:
        held = by_badge.get(grant.badge_id)
        if held is None:
            by_badge[grant.badge_id] = HeldBadge(grant.badge, 1, grant.granted_at, grant.reason)
        else:
            by_badge[grant.badge_id] = HeldBadge(
                held.badge, held.times + 1, held.first_granted_at, held.reason
            )
    return list(by_badge.values())


def member_badges(member) -> list[HeldBadge]:
    """The badges a member holds, best grade first, in one query."""
    return held_badges(grants_of(member))


def with_author_badges(posts: QuerySet) -> QuerySet:
    """Posts with each author's badges fetched in one extra query for the whole page
    (post.author.displayed_badge_grants; templates show the best few next to the name)."""
    return posts.prefetch_related(
        Prefetch(
            "author__badge_grants",
            queryset=BadgeGrant.objects.filter(badge__is_active=True)
            .select_related("badge")
            .order_by("-badge__grade", "granted_at", "id"),
            to_attr="displayed_badge_grants",
        )
    )


def top_badges(grants, *, limit: int = NAME_BADGES) -> list[Badge]:
    """The best `limit` distinct badges among grants already ordered best first."""
    badges: list[Badge] = []
    seen: set[int] = set()
    for grant in grants or []:
        if grant.badge_id in seen:
            continue
        seen.add(grant.badge_id)
        badges.append(grant.badge)
        if len(badges) == limit:
            break
    return badges
