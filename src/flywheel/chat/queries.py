"""Chat reads shared by the pages, the polling fallback and the live connection, with the
related rows fetched up front (a history page is two queries whatever its length)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery

from flywheel.chat import permissions, presence
from flywheel.chat.models import Message, MessageReaction, Room, RoomKind, RoomMembership

HISTORY_PAGE = 40
SEARCH_LIMIT = 50


def _last_read(member) -> Subquery:
    return Subquery(
        RoomMembership.objects.filter(room=OuterRef("pk"), member=member).values(
            "last_read_message_id"
        )[:1],
        output_field=IntegerField(),
    )


def _unread(member) -> Subquery:
    """Messages after the member's read marker, by others, not deleted (joined rooms only)."""
    counted = (
        Message.objects.filter(
            room=OuterRef("pk"), id__gt=OuterRef("last_read"), deleted_at__isnull=True
        )
        .exclude(author=member)
        .order_by()
        .values("room")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(counted, output_field=IntegerField())


def rooms_for(member) -> list[Room]:
    """The rooms in the member's sidebar: the rooms of spaces they may read and their
    conversations, each with `unread` (None for a room they never opened) and, for a direct
    room, `others` (the other members). Three queries."""
    rooms = (
        permissions.filter_rooms_queryset(member)
        .select_related("space", "target_type")
        .annotate(last_read=_last_read(member))
        .annotate(unread=_unread(member))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=RoomMembership.objects.select_related("member").order_by("member_id"),
                to_attr="members_list",
            )
        )
        .order_by("kind", "space__position", "position", "name", "-last_message_at", "id")
    )
    visible = []
    for room in rooms:
        if room.target_type_id is not None and not permissions.target_visible_to(
            member, room.target
        ):
            continue
        room.unread = None if room.last_read is None else (room.unread or 0)
        if room.kind == RoomKind.DIRECT:
            room.others = [m.member for m in room.members_list if m.member_id != member.pk]
        visible.append(room)
    return visible


def room_title(room: Room, *, viewer) -> str:
    if room.kind != RoomKind.DIRECT:
        return room.name
    names = [
        membership.member.name
        for membership in room.memberships.select_related("member").order_by("member_id")
        if membership.member_id != viewer.pk
    ]
    return ", ".join(names)


def history(
    room: Room, *, before: int | None = None, after: int | None = None, limit: int = HISTORY_PAGE
) -> list[Message]:
    """A page of the room's messages in reading order: the latest `limit`, those before
    `before` (scrolling up) or those after `after` (the polling fallback)."""
    queryset = (
        Message.objects.filter(room=room)
        .select_related("author")
        .prefetch_related(
            Prefetch("reactions", queryset=MessageReaction.objects.only("message_id", "kind"))
        )
    )
    if after is not None:
        return list(queryset.filter(id__gt=after).order_by("id")[:limit])
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    return list(reversed(queryset.order_by("-id")[:limit]))


def read_markers(room: Room) -> list[dict]:
    """[{member, name, message}] for each member whose marker points at a message."""
    return [
        {"member": m.member_id, "name": m.member.name, "message": m.last_read_message_id}
        for m in RoomMembership.objects.filter(room=room, last_read_message_id__gt=0)
        .select_related("member")
        .order_by("member_id")
    ]


def online_members(room: Room, *, limit: int = 50) -> list:
    """Members of the room online now: its members, and for a room in a space the members
    who opened it (one query plus one cache round trip)."""
    member_ids = list(
        RoomMembership.objects.filter(room=room).values_list("member_id", flat=True)[:2000]
    )
    online = presence.online_ids(member_ids)
    return list(
        get_user_model().objects.filter(pk__in=list(online)[:limit]).order_by("display_name")
    )


def search_messages(member, query: str) -> QuerySet[Message]:
    """Messages in rooms the member may read whose text contains `query` (newest first)."""
    rooms = permissions.filter_rooms_queryset(member).values("pk")
    return (
        Message.objects.filter(room__in=rooms, deleted_at__isnull=True)
        .filter(Q(body__icontains=query))
        .select_related("author", "room")
        .order_by("-id")[:SEARCH_LIMIT]
    )
