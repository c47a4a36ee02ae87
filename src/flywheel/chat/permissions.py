"""Who may read and write in which chat room. Pages, htmx fragments, the live connection and
services all ask these functions (one access getter, as community.permissions.access_topic).

Rules: a room in a space is readable by whoever may read the space (community.permissions:
public, members-only and gated spaces); a room attached to an object (an event) also asks
hooks.target_view_checks; a direct room is readable by its members only. A room ban shuts a
member out; a room mute, a site-wide silence, suspension or ban stops them writing. In a
direct room nobody writes to a member who blocked them, nor to one who turned DMs off.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.chat.models import (
    ChatPreference,
    MemberBlock,
    Room,
    RoomKind,
    RoomMembership,
    RoomSanction,
    RoomSanctionKind,
)
from flywheel.community import permissions as community_permissions
from flywheel.core import hooks


def sanctions_in_force_q() -> Q:
    now = timezone.now()
    return Q(lifted_at__isnull=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def room_sanction(user, room: Room, kind: str) -> RoomSanction | None:
    return (
        RoomSanction.objects.filter(sanctions_in_force_q(), room=room, member=user, kind=kind)
        .order_by("-created_at")
        .first()
    )


def is_room_moderator(user, room: Room) -> bool:
    """The brand team everywhere; a space's moderators in its rooms. Direct rooms have none."""
    if not user.is_authenticated:
        return False
    if user.is_brand_team or user.is_superuser:
        return True
    if room.space_id is None:
        return False
    return community_permissions.is_moderator_of(user, room.space)


def target_visible_to(user, target) -> bool:
    """Every owner's check in hooks.target_view_checks that answers must say yes."""
    answers = [check(user, target) for check in hooks.target_view_checks]
    return all(answer for answer in answers if answer is not None)


def check_room_view_permission(user, room: Room) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to chat."))
    if room.kind == RoomKind.DIRECT:
        if not RoomMembership.objects.filter(room=room, member=user).exists():
            # Someone else's conversation: as if it did not exist.
            raise Http404(_("No such conversation."))
        return
    if room.space_id is not None and not community_permissions.can_view_space(user, room.space):
        raise PermissionDenied(_("This room is open to the space's members only."))
    if room.target_type_id is not None:
        target = room.target
        if target is None:
            raise Http404(_("No such room."))
        if not target_visible_to(user, target):
            raise PermissionDenied(_("This room is open to the space's members only."))
    if room_sanction(user, room, RoomSanctionKind.BAN) is not None:
        raise PermissionDenied(_("A moderator banned you from this room."))


def access_room(user, room_id: int) -> Room:
    """The room, if `user` may read it: Http404 or PermissionDenied otherwise."""
    room = Room.objects.select_related("space", "target_type").filter(pk=room_id).first()
    if room is None:
        raise Http404(_("No such room."))
    check_room_view_permission(user, room)
    return room


def _site_wide_posting_block(user) -> bool:
    from flywheel.moderation.models import POSTING_BLOCKED_BY
    from flywheel.moderation.services import sanctions_in_force

    return sanctions_in_force(user, POSTING_BLOCKED_BY).exists()


def direct_messages_enabled(member) -> bool:
    return (
        ChatPreference.objects.filter(member=member)
        .values_list("direct_messages_enabled", flat=True)
        .first()
        is not False
    )


def check_direct_write_permission(user, room: Room) -> None:
    others = list(
        RoomMembership.objects.filter(room=room)
        .exclude(member=user)
        .values_list("member_id", flat=True)
    )
    if MemberBlock.objects.filter(blocker_id__in=others, blocked=user).exists():
        raise PermissionDenied(_("You cannot write to this conversation."))
    if (
        len(others) == 1
        and ChatPreference.objects.filter(
            member_id=others[0], direct_messages_enabled=False
        ).exists()
    ):
        raise PermissionDenied(_("This member does not accept direct messages."))


def check_room_write_permission(user, room: Room) -> None:
    """May `user` write in `room` (which they may read)?"""
    check_room_view_permission(user, room)
    if room_sanction(user, room, RoomSanctionKind.MUTE) is not None:
        raise PermissionDenied(_("A moderator muted you in this room."))
    if _site_wide_posting_block(user):
        raise PermissionDenied(_("Your account cannot post at the moment."))
    if room.kind == RoomKind.DIRECT:
        check_direct_write_permission(user, room)
    elif room.space_id is not None:
        community_permissions.check_space_post_permission(user, room.space)


def check_room_moderate_permission(user, room: Room) -> None:
    if not is_room_moderator(user, room):
        raise PermissionDenied(_("Only the room's moderators can do that."))


def check_message_change_permission(user, message) -> None:
    """Authors edit and delete their own messages; moderators delete any (edit: authors)."""
    if message.is_deleted:
        raise PermissionDenied(_("This message was deleted."))
    if message.author_id != user.pk:
        raise PermissionDenied(_("You can only change your own messages."))


def check_message_delete_permission(user, message) -> None:
    if message.is_deleted:
        raise PermissionDenied(_("This message was deleted."))
    if message.author_id != user.pk and not is_room_moderator(user, message.room):
        raise PermissionDenied(_("You can only delete your own messages."))


def filter_rooms_queryset(user, queryset: QuerySet[Room] | None = None) -> QuerySet[Room]:
    """Rooms `user` may read, as far as SQL can tell: the rooms of spaces they may read, less
    rooms they are banned from, and their direct rooms. Rooms attached to an object are
    checked against hooks.target_view_checks by the caller (queries.rooms_for)."""
    queryset = Room.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    readable_spaces = community_permissions.filter_spaces_queryset(user).values("pk")
    banned = RoomSanction.objects.filter(
        sanctions_in_force_q(), member=user, kind=RoomSanctionKind.BAN
    ).values("room_id")
    in_rooms = Q(kind=RoomKind.ROOM) & (Q(space__isnull=True) | Q(space__in=readable_spaces))
    direct = Q(kind=RoomKind.DIRECT, memberships__member=user)
    return queryset.filter(in_rooms | direct).exclude(pk__in=banned).distinct()
