"""Who may post, react, comment, feature and moderate showcases; who sees which. Pages go
through these, so one rule cannot be forgotten in one place."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from flywheel.showcases.models import Showcase, ShowcaseState


def is_brand_team(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and (user.is_brand_team or user.is_superuser)
    )


def check_post_permission(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to share a showcase."))


def check_take_part_permission(user, showcase: Showcase) -> None:
    """React or comment: signed in, on a published showcase."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to react or comment."))
    if showcase.state != ShowcaseState.PUBLISHED:
        raise PermissionDenied(_("This showcase is not published."))


def check_brand_team_permission(user) -> None:
    if not is_brand_team(user):
        raise PermissionDenied(_("Only the brand team can do this."))


def filter_showcases_queryset(user, queryset: QuerySet[Showcase]) -> QuerySet[Showcase]:
    """Published showcases for everyone; their own pending or rejected ones for authors; all
    for the brand team."""
    if is_brand_team(user):
        return queryset
    if user is not None and user.is_authenticated:
        return queryset.filter(Q(state=ShowcaseState.PUBLISHED) | Q(author=user))
    return queryset.filter(state=ShowcaseState.PUBLISHED)


def filter_public_showcases_queryset(queryset: QuerySet[Showcase]) -> QuerySet[Showcase]:
    """The gallery, the home page and search engines: published only."""
    return queryset.filter(state=ShowcaseState.PUBLISHED)
