"""Who may see and do what in the hub. Pages, the API and tasks all ask these functions."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.community.models import (
    Post,
    Space,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
    Visibility,
)
from flywheel.core import hooks


def is_moderator_of(user, space: Space) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_brand_team or user.is_superuser:
        return True
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


def filter_topics_queryset(user, queryset: QuerySet[Topic] | None = None) -> QuerySet[Topic]:
    queryset = Topic.objects.listed() if queryset is None else queryset
    return queryset.filter(space__in=filter_spaces_queryset(user).values("pk"))


def get_visible_topic(user, topic_id: int) -> Topic:
    topic = Topic.objects.listed().select_related("space").filter(pk=topic_id).first()
    if topic is None:
        raise Http404(_("No such topic."))
    check_space_view_permission(user, topic.space)
    return topic


def get_visible_space(user, slug: str) -> Space:
    space = Space.objects.filter(slug=slug).first()
    if space is None:
        raise Http404(_("No such space."))
    check_space_view_permission(user, space)
    return space
