"""What goes out over live connections: the channel-layer groups and the events sent to them.

A room's readers with a page open join ``chat.room.<id>``; every signed-in connection joins
``chat.member.<id>`` (the bell, a room ban). Services send after their transaction commits, so
nobody sees a message that was rolled back; a channel-layer outage is logged and never turns
into an error for the member whose write is saved (the polling fallback still shows it).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("flywheel.chat.realtime")


def room_group(room_id: int) -> str:
    return f"chat.room.{room_id}"


def member_group(member_id: int) -> str:
    return f"chat.member.{member_id}"


def send_now(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("could not send %s to %s", event.get("type"), group)


def send_after_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: send_now(group, event), robust=True)


def push_bells(member_ids) -> None:
    """hooks.notifications_changed: these members' bells refresh over their live connection."""
    for member_id in member_ids:
        send_now(member_group(member_id), {"type": "bell.changed"})
