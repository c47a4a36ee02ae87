"""Chat in a member's data export and its erasure (registered in ChatConfig.ready() as
"chat").

Erasure blanks the member's messages in both modes ("This message was deleted." for the
others, who keep the conversation's shape) and removes their reactions, flags, read markers,
blocks, preferences and room sanctions; direct rooms left with no one else are deleted."""

from django.db.models import Count, Q
from django.utils import timezone

from flywheel.chat.models import (
    ChatPreference,
    MemberBlock,
    Message,
    MessageFlag,
    MessageReaction,
    Room,
    RoomKind,
    RoomMembership,
    RoomSanction,
)


def export_chat(member) -> dict:
    messages = Message.objects.filter(author=member, deleted_at__isnull=True).select_related("room")
    return {
        "messages": [
            {
                "room": message.room.name or f"direct #{message.room_id}",
                "body": message.body,
                "written_at": message.created_at.isoformat(),
                "edited_at": message.edited_at.isoformat() if message.edited_at else None,
            }
            for message in messages.order_by("id")
        ],
        "reactions": list(
            MessageReaction.objects.filter(member=member).values("message_id", "kind")
        ),
        "rooms": list(
            RoomMembership.objects.filter(member=member).values("room_id", "last_read_message_id")
        ),
        "blocked_handles": list(
            MemberBlock.objects.filter(blocker=member).values_list("blocked__handle", flat=True)
        ),
        "accepts_direct_messages": not ChatPreference.objects.filter(
            member=member, direct_messages_enabled=False
        ).exists(),
    }


def erase_chat(member, *, content: str) -> None:
    Message.objects.filter(author=member).update(
        body="", body_html="", deleted_at=timezone.now(), author=None
    )
    MessageReaction.objects.filter(member=member).delete()
    MessageFlag.objects.filter(flagger=member).delete()
    MemberBlock.objects.filter(Q(blocker=member) | Q(blocked=member)).delete()
    ChatPreference.objects.filter(member=member).delete()
    RoomSanction.objects.filter(member=member).delete()
    direct_rooms = list(
        RoomMembership.objects.filter(member=member, room__kind=RoomKind.DIRECT).values_list(
            "room_id", flat=True
        )
    )
    RoomMembership.objects.filter(member=member).delete()
    Room.objects.filter(pk__in=direct_rooms).annotate(left=Count("memberships")).filter(
        left__lte=1
    ).delete()
