"""The live connection (one WebSocket per open page of a signed-in member, at /ws/live/).

It carries the member's bell and every room they follow: messages, edits, deletions,
reactions, typing, read markers. The page may also write through it (``send``), or through
the same forms over HTTP when WebSockets are unavailable (chat.js falls back to polling).

Client → server (JSON): ``{"type": "join", "room": id}``, ``{"type": "typing", "room": id}``,
``{"type": "read", "room": id, "message": id}``, ``{"type": "send", "room": id, "body": "…",
"nonce": "…"}``, ``{"type": "ping"}``. Server → client: the channel-layer events of
chat.realtime with their type (``chat.message``, ``chat.update``, ``chat.typing``,
``chat.read``, ``bell``, ``room.joined``, ``room.left``) and ``joined``, ``sent``, ``error``,
``pong`` answers. Every room action is checked through chat.permissions, as on the pages."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.chat import permissions, presence, realtime, services
from flywheel.chat.models import RoomMembership
from flywheel.core.exceptions import DomainError

# A member in more rooms than this follows the most recent ones live; the others refresh
# when opened.
MAX_FOLLOWED_ROOMS = 200


def _followed_room_ids(user) -> list[int]:
    rooms = (
        permissions.filter_rooms_queryset(user)
        .filter(memberships__member=user)
        .select_related("target_type")
        .order_by("-last_message_at", "-id")[:MAX_FOLLOWED_ROOMS]
    )
    return [
        room.pk
        for room in rooms
        if room.target_type_id is None or permissions.target_visible_to(user, room.target)
    ]


def _join(user, room_id: int) -> int:
    room = permissions.access_room(user, room_id)
    services.join_room(member=user, room=room)
    return room.pk


def _still_member(user, room_id: int) -> bool:
    try:
        permissions.access_room(user, room_id)
    except (PermissionDenied, Http404):
        return False
    return RoomMembership.objects.filter(room_id=room_id, member=user).exists()


def _send(user, room_id: int, body: str) -> int:
    room = permissions.access_room(user, room_id)
    return services.post_message(author=user, room=room, body=body).pk


def _read(user, room_id: int, message_id: int) -> int:
    room = permissions.access_room(user, room_id)
    return services.mark_read(member=user, room=room, message_id=message_id)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.rooms: set[int] = set()
        if self.user is None or not self.user.is_authenticated or not self.user.is_active:
            await self.close(code=4401)
            return
        # Accept first, then join: the handshake does not wait for the room query and the
        # group joins (a loaded server otherwise let clients' opening handshakes time out,
        # bench/chat_fanout.py); the page is live only once "ready" below arrives.
        await self.accept()
        self.member_group = realtime.member_group(self.user.pk)
        await self.channel_layer.group_add(self.member_group, self.channel_name)
        for room_id in await database_sync_to_async(_followed_room_ids)(self.user):
            await self._follow(room_id)
        await database_sync_to_async(presence.mark_online)(self.user.pk)
        # Proof that channel-layer events reach this connection: the page treats the
        # connection as live only once "ready" arrives (and reconnects otherwise). The first
        # connection after a server start was seen to answer pings yet hear no group events
        # (channels_redis; docs/chat.md, "Known issues").
        await self.channel_layer.send(self.channel_name, {"type": "live.ready"})

    async def disconnect(self, code) -> None:
        if getattr(self, "member_group", None) is None:
            return
        await self.channel_layer.group_discard(self.member_group, self.channel_name)
        for room_id in list(self.rooms):
            await self.channel_layer.group_discard(realtime.room_group(room_id), self.channel_name)
        self.rooms.clear()
        await database_sync_to_async(presence.mark_offline)(self.user.pk)

    async def _follow(self, room_id: int) -> None:
        self.rooms.add(room_id)
        await self.channel_layer.group_add(realtime.room_group(room_id), self.channel_name)

    async def _unfollow(self, room_id: int) -> None:
        self.rooms.discard(room_id)
        await self.channel_layer.group_discard(realtime.room_group(room_id), self.channel_name)

    async def _error(self, message: str, **extra) -> None:
        await self.send_json({"type": "error", "message": message, **extra})

    # ------------------------------------------------------------------ from the page

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            await database_sync_to_async(presence.mark_online)(self.user.pk)
            await self.send_json({"type": "pong"})
            return
        room_id = _as_int(content.get("room"))
        if room_id is None:
            await self._error(_("Choose a room."), field="room")
            return
        try:
            if kind == "join":
                await self._follow(await database_sync_to_async(_join)(self.user, room_id))
                await self.send_json({"type": "joined", "room": room_id})
            elif kind == "typing" and room_id in self.rooms:
                await self.channel_layer.group_send(
                    realtime.room_group(room_id),
                    {
                        "type": "chat.typing",
                        "room": room_id,
                        "member": self.user.pk,
                        "name": self.user.name,
                    },
                )
            elif kind == "read":
                message_id = _as_int(content.get("message"))
                if message_id is not None:
                    await database_sync_to_async(_read)(self.user, room_id, message_id)
            elif kind == "send":
                body = content.get("body")
                message_id = await database_sync_to_async(_send)(
                    self.user, room_id, body if isinstance(body, str) else ""
                )
                await self.send_json(
                    {"type": "sent", "nonce": content.get("nonce"), "message": message_id}
                )
        except (PermissionDenied, Http404) as denied:
            await self._error(str(denied), room=room_id, nonce=content.get("nonce"))
        except DomainError as error:
            await self._error(
                error.message, room=room_id, field=error.field, nonce=content.get("nonce")
            )

    # ------------------------------------------------------------------ from the channel layer

    async def _forward(self, event: dict) -> None:
        """Only connections that follow the room (joined after chat.permissions said yes;
        a ban or a lost membership unfollows) pass the event on; a message's event carries
        its page text already encoded (rendering.message_event), sent as it is."""
        if event.get("room") not in self.rooms:
            return
        frame = event.get("frame")
        if isinstance(frame, str):
            await self.send(text_data=frame)
        else:
            await self.send_json(event)

    async def chat_message(self, event: dict) -> None:
        await self._forward(event)

    async def chat_update(self, event: dict) -> None:
        await self._forward(event)

    async def chat_typing(self, event: dict) -> None:
        if event.get("member") != self.user.pk:
            await self._forward(event)

    async def chat_read(self, event: dict) -> None:
        await self._forward(event)

    async def live_ready(self, event: dict) -> None:
        await self.send_json({"type": "ready"})

    async def bell_changed(self, event: dict) -> None:
        await self.send_json({"type": "bell"})

    async def room_joined(self, event: dict) -> None:
        room_id = event.get("room")
        if await database_sync_to_async(_still_member)(self.user, room_id):
            await self._follow(room_id)
            await self.send_json({"type": "room.joined", "room": room_id})

    async def room_left(self, event: dict) -> None:
        await self._unfollow(event.get("room"))
        await self.send_json({"type": "room.left", "room": event.get("room")})
