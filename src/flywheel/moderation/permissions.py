"""Who may moderate what. Pages, the API and services all ask these functions.

* The brand team (owner, admin, moderator roles) and superusers moderate everything.
* A space moderator (SpaceMembership role "moderator") moderates content in their spaces only;
  flags on members (no space) are for the brand team.
* Sanctions, appeals, guidelines, word lists and the audit log are for the brand team.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from flywheel.community.models import Space, SpaceMembership
from flywheel.community.permissions import is_moderator_of
from flywheel.moderation.models import ReviewItem


def is_moderation_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_brand_team or user.is_superuser))


def moderated_space_ids(user) -> QuerySet:
    """A subquery of the spaces the member moderates by space role."""
    return SpaceMembership.objects.filter(member=user, role="moderator").values("space_id")


def is_any_moderator(user) -> bool:
    if not user.is_authenticated:
        return False
    if is_moderation_staff(user):
        return True
    return SpaceMembership.objects.filter(member=user, role="moderator").exists()


def check_queue_permission(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if not is_any_moderator(user):
        raise PermissionDenied(_("Only moderators can open the moderation queue."))


def filter_review_items_queryset(user, queryset: QuerySet[ReviewItem]) -> QuerySet[ReviewItem]:
    if is_moderation_staff(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(space__in=moderated_space_ids(user)))


def can_moderate_space(user, space: Space | None) -> bool:
    if space is None:
        return is_moderation_staff(user)
    return is_moderator_of(user, space)


def check_review_item_permission(user, item: ReviewItem) -> None:
    if not can_moderate_space(user, item.space):
        raise PermissionDenied(_("You do not moderate where this was posted."))


def check_space_moderation_permission(user, space: Space) -> None:
    if not can_moderate_space(user, space):
        raise PermissionDenied(_("You do not moderate this space."))


def check_staff_permission(user) -> None:
    if not is_moderation_staff(user):
        raise PermissionDenied(_("Only the brand team can do that."))
