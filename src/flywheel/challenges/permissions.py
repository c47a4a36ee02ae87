"""Who runs challenges (the brand team, as the console), who sees one (everyone, or those who
may read its space) and who may take part (signed-in, active members who see it)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.challenges.models import Challenge
from flywheel.community.permissions import can_view_space, filter_spaces_queryset


def can_manage_challenges(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_brand_team)
    )


def check_manage_challenges_permission(user) -> None:
    if not can_manage_challenges(user):
        raise PermissionDenied(_("Challenges are run by the brand team."))


def can_view_challenge(user, challenge: Challenge) -> bool:
    return challenge.space is None or can_view_space(user, challenge.space)


def check_view_challenge_permission(user, challenge: Challenge) -> None:
    # 404, not 403: a challenge in a space the viewer may not read does not exist for them.
    if not can_view_challenge(user, challenge):
        raise Http404(_("No such challenge."))


def check_take_part_permission(user, challenge: Challenge) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to take part in a challenge."))
    if not user.is_active:
        raise PermissionDenied(_("This account is not active."))
    check_view_challenge_permission(user, challenge)


def filter_challenges_queryset(user, queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """Challenges without a space, and those in spaces the user may read."""
    readable = filter_spaces_queryset(user).values("pk")
    return queryset.filter(Q(space__isnull=True) | Q(space__in=readable))
