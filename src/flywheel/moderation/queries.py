"""Moderation reads. Who may see held, hidden and rejected posts is decided in one place,
flywheel.community.permissions (access_topic, access_post and the filter_*_queryset)."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from flywheel.core import hooks
from flywheel.moderation import permissions
from flywheel.moderation.models import (
    HIDDEN_POST_STATES,
    Appeal,
    AppealState,
    Flag,
    FlagState,
    ModeratedPost,
    ModerationAction,
    ModerationNotice,
    ReviewItem,
    ReviewState,
    Sanction,
    SanctionKind,
)


def hidden_post_ids(topic=None) -> QuerySet:
    """A subquery of the ids of posts moderation hides (pending, hidden, rejected).

    Use as ``queryset.exclude(pk__in=hidden_post_ids(topic))``: it stays one SQL query.
    """
    rows = ModeratedPost.objects.filter(state__in=HIDDEN_POST_STATES)
    if topic is not None:
        rows = rows.filter(topic=topic)
    return rows.values("post_id")


def _without_undecidable_targets(user, queryset: QuerySet[ReviewItem]) -> QuerySet[ReviewItem]:
    """Leave out other apps' records (hooks.review_targets) this user may not decide: a held
    referral is for the staff who handle money, not for every moderator. A join, no query."""
    for name, target in hooks.review_targets.items():
        if not target.may_decide(user):
            app_label, _dot, model = name.partition(".")
            queryset = queryset.exclude(target_type__app_label=app_label, target_type__model=model)
    return queryset


def review_target_for(item: ReviewItem):
    """The app that decides this item's target (hooks.review_targets), or None for posts,
    topics, members and anything no app registered. Needs item.target_type (select_related)."""
    target_type = item.target_type
    return hooks.review_targets.get(f"{target_type.app_label}.{target_type.model}")


def review_queue(user) -> QuerySet[ReviewItem]:
    """Open items the user may act on, oldest first, with everything the page shows."""
    queryset = ReviewItem.objects.filter(state=ReviewState.OPEN)
    queryset = _without_undecidable_targets(user, queryset)
    return (
        permissions.filter_review_items_queryset(user, queryset)
        .select_related(
            "post__topic__space",
            "post__author",
            "post__moderation",
            "subject",
            "space",
            "target_type",
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.select_related("flagger").order_by("created_at", "id"),
            )
        )
        .order_by("created_at", "id")
    )


def review_item_for(user, item_id: int) -> ReviewItem | None:
    queryset = _without_undecidable_targets(user, ReviewItem.objects.all())
    return (
        permissions.filter_review_items_queryset(user, queryset)
        .select_related("post__topic__space", "post__author", "subject", "space")
        .filter(pk=item_id)
        .first()
    )


def audit_log(
    *,
    action: str | None = None,
    actor_handle: str | None = None,
    target_type: str | None = None,
    since=None,
    until=None,
) -> QuerySet[ModerationAction]:
    queryset = ModerationAction.objects.select_related("actor", "target_type", "space")
    if action:
        queryset = queryset.filter(action=action)
    if actor_handle:
        queryset = queryset.filter(actor__handle__iexact=actor_handle)
    if target_type:
        queryset = queryset.filter(target_type__model=target_type)
    if since:
        queryset = queryset.filter(created_at__gte=since)
    if until:
        queryset = queryset.filter(created_at__lt=until)
    return queryset.order_by("-created_at", "-id")


def notices_for(member) -> QuerySet[ModerationNotice]:
    return (
        ModerationNotice.objects.filter(recipient=member)
        .select_related("action__actor", "sanction__appeal")
        .order_by("-created_at", "-id")
    )


def sanctions_of(member) -> QuerySet[Sanction]:
    return (
        Sanction.objects.filter(member=member)
        .select_related("issued_by")
        .order_by("-created_at", "-id")
    )


def pending_appeals() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(state=AppealState.PENDING)
        .select_related("member", "sanction__issued_by")
        .order_by("created_at", "id")
    )


# ---------------------------------------------------------------- counters for trust levels
# Registered in ModerationConfig.ready() in flywheel.core.hooks.upheld_flag_counters and
# sanction_counters: (member, since) -> int, counted against a trust level's maximums.

# A warning is a word, not a strike; silences, suspensions and bans count.
COUNTED_SANCTIONS = (SanctionKind.SILENCE, SanctionKind.SUSPENSION, SanctionKind.BAN)


def upheld_flags_against(member, since: datetime | None) -> int:
    """Posts (or topics) of the member that moderators rejected, edited or deleted on flags,
    resolved since `since`. Each counts once however many members flagged it."""
    items = ReviewItem.objects.filter(
        subject=member, state=ReviewState.RESOLVED, flags__state=FlagState.UPHELD
    )
    if since is not None:
        items = items.filter(resolved_at__gte=since)
    return items.values("pk").distinct().count()


def sanctions_against(member, since: datetime | None) -> int:
    """Silences, suspensions and bans issued to the member since `since`, except those lifted
    on an appeal (a lifted sanction that was not appealed still counts)."""
    sanctions = Sanction.objects.filter(member=member, kind__in=COUNTED_SANCTIONS).exclude(
        appeal__state=AppealState.GRANTED
    )
    if since is not None:
        sanctions = sanctions.filter(created_at__gte=since)
    return sanctions.count()
