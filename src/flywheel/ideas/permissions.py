"""Who sees and does what with ideas and feature requests. Pages and the API share these, so a
rule cannot be forgotten in one place: an idea hidden by moderation is a 404 everywhere for
everyone but its author and the brand team."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.ideas.models import (
    FeatureRequest,
    Idea,
    IdeaComment,
    RequestStatus,
)


def can_manage_ideas(user) -> bool:
    """The brand team decides statuses, reviews, rewards and merges."""
    return bool(
        user is not None
        and user.is_authenticated
        and (getattr(user, "is_brand_team", False) or user.is_superuser)
    )


def check_manage_permission(user) -> None:
    if not can_manage_ideas(user):
        raise PermissionDenied(_("Only the brand team can do this."))


def check_member(user, message: str) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(message)


def filter_ideas_queryset(viewer, queryset: QuerySet[Idea]) -> QuerySet[Idea]:
    """Ideas hidden by moderation: their author and the brand team only."""
    if can_manage_ideas(viewer):
        return queryset
    if viewer is not None and viewer.is_authenticated:
        return queryset.filter(Q(hidden_at__isnull=True) | Q(author=viewer))
    return queryset.filter(hidden_at__isnull=True)


def access_idea(viewer, idea_id: int, *, queryset: QuerySet[Idea] | None = None) -> Idea:
    """The one getter every page, fragment, API operation and write uses (404 if hidden)."""
    base = queryset if queryset is not None else Idea.objects.select_related("author", "category")
    idea = filter_ideas_queryset(viewer, base).filter(pk=idea_id).first()
    if idea is None:
        raise Http404(_("No such idea."))
    return idea


def filter_comments_queryset(viewer, queryset: QuerySet[IdeaComment]) -> QuerySet[IdeaComment]:
    if can_manage_ideas(viewer):
        return queryset
    if viewer is not None and viewer.is_authenticated:
        return queryset.filter(Q(hidden_at__isnull=True) | Q(author=viewer))
    return queryset.filter(hidden_at__isnull=True)


def check_support_permission(user, idea: Idea) -> None:
    check_member(user, _("Sign in to support ideas."))
    if idea.author_id == user.pk:
        raise PermissionDenied(_("You cannot support your own idea."))


def check_comment_permission(user, idea: Idea) -> None:
    check_member(user, _("Sign in to comment."))


def filter_requests_queryset(
    viewer, queryset: QuerySet[FeatureRequest]
) -> QuerySet[FeatureRequest]:
    if can_manage_ideas(viewer):
        return queryset
    if viewer is not None and viewer.is_authenticated:
        return queryset.filter(Q(hidden_at__isnull=True) | Q(author=viewer))
    return queryset.filter(hidden_at__isnull=True)


def access_request(viewer, request_id: int) -> FeatureRequest:
    request = (
        filter_requests_queryset(
            viewer, FeatureRequest.objects.select_related("board", "author", "merged_into")
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404(_("No such feature request."))
    return request


def check_vote_permission(user, request: FeatureRequest) -> None:
    check_member(user, _("Sign in to vote."))
    if request.status == RequestStatus.MERGED:
        raise PermissionDenied(_("This request was merged; vote on the one it was merged into."))
