"""The live connection, driven by Channels' WebsocketCommunicator against the REAL Redis
channel layer (FLYWHEEL_TEST_REDIS_URL). Transactional: the consumer reads the database from
its own thread, and services broadcast after commit."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from flywheel.chat import rendering, services
from flywheel.chat.models import Message, RoomSanctionKind
from flywheel.chat.routing import websocket_application, websocket_urlpatterns
from tests.chat.conftest import ANONYMOUS, grant
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

# A bound on waiting, not a timing assertion: the first message of a run loads templates and
# the Markdown parser, which took over 5 s on the loaded shared machine.
TIMEOUT = 30


def live(user) -> WebsocketCommunicator:
    """A connection as `user` (the session part of the stack is tested on its own below)."""
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/live/")
    communicator.scope["user"] = user
    return communicator


def run(scenario) -> None:
    """Run the scenario's event loop in a thread of its own. A browser test earlier on the same
    xdist worker leaves Playwright's sync API (a session fixture) running an event loop in the
    main thread, where async_to_sync refuses to start another. The tests commit their rows
    (transaction=True), so the thread's own database connection sees them."""

    def in_thread() -> None:
        try:
            async_to_sync(scenario)()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(in_thread).result()


def run_returning(scenario):
    """run(), handing back what the scenario returns."""
    results = []

    async def keeping():
        results.append(await scenario())

    run(keeping)
    return results[0]


async def connected(user) -> WebsocketCommunicator:
    """A connection the server has proved live: "ready" came through the channel layer."""
    communicator = live(user)
    accepted, _code = await communicator.connect(timeout=TIMEOUT)
    assert accepted
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "ready"
    return communicator


async def next_of(communicator, kind: str) -> dict:
    """The next event of `kind`, skipping others (answers and events interleave)."""
    for _attempt in range(20):
        event = await communicator.receive_json_from(timeout=TIMEOUT)
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


async def join(communicator, room) -> None:
    await communicator.send_json_to({"type": "join", "room": room.pk})
    assert (await next_of(communicator, "joined"))["room"] == room.pk


def test_a_message_written_by_one_member_arrives_live_for_another(
    redis_channel_layer, room, anna, ben
):
    async def scenario():
        writer, reader = await connected(anna), await connected(ben)
        await join(writer, room)
        await join(reader, room)
        await writer.send_json_to(
            {"type": "send", "room": room.pk, "body": "Summit at *dawn*", "nonce": "n1"}
        )
        sent = await next_of(writer, "sent")
        arrived = await next_of(reader, "chat.message")
        assert arrived["message"] == sent["message"]
        assert arrived["author"] == anna.pk
        assert "Summit at <em>dawn</em>" in arrived["html"]
        await writer.disconnect()
        await reader.disconnect()

    run(scenario)
    assert Message.objects.get().body == "Summit at *dawn*"


def test_a_message_posted_over_http_reaches_open_connections(redis_channel_layer, room, anna, ben):
    services.join_room(member=ben, room=room)

    async def scenario():
        reader = await connected(ben)  # follows the rooms it joined, without asking
        client = Client()
        await _force_login(client, anna)
        response = await _post(client, f"/chat/r/{room.pk}/messages/", {"body": "via the form"})
        assert response.status_code == 200
        arrived = await next_of(reader, "chat.message")
        assert "via the form" in arrived["html"]
        await reader.disconnect()

    run(scenario)


async def _force_login(client, user):
    from channels.db import database_sync_to_async

    await database_sync_to_async(client.force_login)(user)


async def _post(client, url, data):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(client.post)(url, data, headers={"HX-Request": "true"})


def test_a_signed_out_visitor_gets_no_connection(redis_channel_layer):
    async def scenario():
        communicator = live(ANONYMOUS)
        accepted, code = await communicator.connect(timeout=TIMEOUT)
        assert not accepted
        assert code == 4401

    run(scenario)


def test_the_session_signs_the_member_in_and_other_sites_are_refused(
    redis_channel_layer, room, anna, settings
):
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(anna)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def scenario():
        ours = WebsocketCommunicator(
            websocket_application(),
            "/ws/live/",
            headers=[(b"cookie", cookie), (b"origin", b"http://testserver")],
        )
        accepted, _code = await ours.connect(timeout=TIMEOUT)
        assert accepted
        await join(ours, room)
        await ours.disconnect()

        theirs = WebsocketCommunicator(
            websocket_application(),
            "/ws/live/",
            headers=[(b"cookie", cookie), (b"origin", b"https://evil.example")],
        )
        accepted, _code = await theirs.connect(timeout=TIMEOUT)
        assert not accepted

    run(scenario)


def test_a_non_member_of_a_gated_space_cannot_join_or_hear_its_room(
    redis_channel_layer, gated_room, anna, staff
):
    async def scenario():
        outsider = await connected(anna)
        await outsider.send_json_to({"type": "join", "room": gated_room.pk})
        error = await next_of(outsider, "error")
        assert error["room"] == gated_room.pk
        await outsider.send_json_to(
            {"type": "send", "room": gated_room.pk, "body": "let me in", "nonce": "x"}
        )
        assert (await next_of(outsider, "error"))["nonce"] == "x"
        insider = await connected(staff)
        await join(insider, gated_room)
        await insider.send_json_to({"type": "send", "room": gated_room.pk, "body": "vip only"})
        await next_of(insider, "chat.message")
        assert await outsider.receive_nothing(timeout=0.5)
        await outsider.disconnect()
        await insider.disconnect()

    run(scenario)
    assert list(Message.objects.values_list("body", flat=True)) == ["vip only"]


def test_a_message_is_rendered_once_and_reaches_every_reader_but_not_an_outsider(
    redis_channel_layer, gated_room, anna, staff, monkeypatch
):
    """Fan-out renders and encodes a message once for the whole room, yet each connection
    still passes it on only if its member was allowed into the room: all six readers and
    the writer get the same message, the member the gate keeps out gets nothing."""
    readers = [UserFactory(handle=f"reader{n}") for n in range(6)]
    for reader in readers:
        grant(gated_room.space, reader)
    renders = []
    original = rendering.render_message

    def counting(message, **kwargs):
        renders.append(message.pk)
        return original(message, **kwargs)

    monkeypatch.setattr(rendering, "render_message", counting)

    async def scenario():
        outsider = await connected(anna)
        await outsider.send_json_to({"type": "join", "room": gated_room.pk})
        assert (await next_of(outsider, "error"))["room"] == gated_room.pk
        connections_ = [await connected(reader) for reader in readers]
        for connection in connections_:
            await join(connection, gated_room)
        writer = await connected(staff)
        await join(writer, gated_room)
        await writer.send_json_to(
            {"type": "send", "room": gated_room.pk, "body": "Launch at **noon**", "nonce": "n"}
        )
        sent = await next_of(writer, "sent")
        arrived = [await next_of(connection, "chat.message") for connection in connections_]
        arrived.append(await next_of(writer, "chat.message"))
        assert await outsider.receive_nothing(timeout=0.5)
        for connection in [outsider, writer, *connections_]:
            await connection.disconnect()
        return sent, arrived

    sent, arrived = run_returning(scenario)
    assert len(arrived) == 7
    assert {event["message"] for event in arrived} == {sent["message"]}
    assert all("<strong>noon</strong>" in event["html"] for event in arrived)
    assert len({event["html"] for event in arrived}) == 1
    assert renders == [sent["message"]]


def test_a_blocked_member_cannot_write_to_the_blocker(redis_channel_layer, anna, ben):
    room = services.open_direct_room(by=ben, members=[anna])
    services.block_member(blocker=anna, blocked=ben)

    async def scenario():
        blocked = await connected(ben)
        await blocked.send_json_to({"type": "send", "room": room.pk, "body": "hey", "nonce": "1"})
        error = await next_of(blocked, "error")
        assert error["nonce"] == "1"
        await blocked.disconnect()

    run(scenario)
    assert not Message.objects.exists()


def test_nobody_writes_to_a_member_with_direct_messages_off(redis_channel_layer, anna, ben):
    room = services.open_direct_room(by=ben, members=[anna])
    services.set_direct_messages(member=anna, enabled=False)

    async def scenario():
        sender = await connected(ben)
        await sender.send_json_to({"type": "send", "room": room.pk, "body": "hi", "nonce": "1"})
        assert "direct messages" in (await next_of(sender, "error"))["message"]
        await sender.disconnect()

    run(scenario)
    assert not Message.objects.exists()


def test_a_new_conversation_reaches_the_others_connection_at_once(redis_channel_layer, anna, ben):
    async def scenario():
        from channels.db import database_sync_to_async

        reader = await connected(ben)
        room = await database_sync_to_async(services.open_direct_room)(by=anna, members=[ben])
        assert (await next_of(reader, "room.joined"))["room"] == room.pk
        await database_sync_to_async(services.post_message)(author=anna, room=room, body="psst")
        assert "psst" in (await next_of(reader, "chat.message"))["html"]
        await reader.disconnect()

    run(scenario)


def test_typing_reaches_the_others_not_the_typist(redis_channel_layer, room, anna, ben):
    async def scenario():
        typist, reader = await connected(anna), await connected(ben)
        await join(typist, room)
        await join(reader, room)
        await typist.send_json_to({"type": "typing", "room": room.pk})
        typing = await next_of(reader, "chat.typing")
        assert typing["name"] == "Anna Berg"
        assert await typist.receive_nothing(timeout=0.5)
        await typist.disconnect()
        await reader.disconnect()

    run(scenario)


def test_the_writer_sees_the_read_marker_move(redis_channel_layer, room, anna, ben):
    message = services.post_message(author=anna, room=room, body="read me")

    async def scenario():
        writer, reader = await connected(anna), await connected(ben)
        await join(writer, room)
        await join(reader, room)
        await reader.send_json_to({"type": "read", "room": room.pk, "message": message.pk})
        marker = await next_of(writer, "chat.read")
        assert (marker["member"], marker["message"]) == (ben.pk, message.pk)
        await writer.disconnect()
        await reader.disconnect()

    run(scenario)
    assert ben.chat_memberships.get(room=room).last_read_message_id == message.pk


def test_a_mention_rings_the_bell_over_the_same_connection(redis_channel_layer, room, anna, ben):
    async def scenario():
        writer, mentioned = await connected(anna), await connected(ben)
        await join(writer, room)
        await writer.send_json_to({"type": "send", "room": room.pk, "body": "@ben look!"})
        await next_of(mentioned, "bell")
        await writer.disconnect()
        await mentioned.disconnect()

    run(scenario)
    assert ben.notifications.get().kind == "mention"


def test_a_banned_member_leaves_the_room_at_once(redis_channel_layer, room, anna, ben, staff):
    async def scenario():
        from channels.db import database_sync_to_async

        banned, writer = await connected(ben), await connected(anna)
        await join(banned, room)
        await join(writer, room)
        await database_sync_to_async(services.sanction_member)(
            room=room, by=staff, member=ben, kind=RoomSanctionKind.BAN
        )
        assert (await next_of(banned, "room.left"))["room"] == room.pk
        await writer.send_json_to({"type": "send", "room": room.pk, "body": "after the ban"})
        await next_of(writer, "chat.message")
        assert await banned.receive_nothing(timeout=0.5)
        await banned.send_json_to({"type": "join", "room": room.pk})
        assert "banned" in (await next_of(banned, "error"))["message"]
        await banned.disconnect()
        await writer.disconnect()

    run(scenario)


def test_bad_input_is_answered_with_the_field_not_a_crash(redis_channel_layer, room, anna):
    async def scenario():
        connection = await connected(anna)
        await connection.send_json_to({"type": "send", "room": "nope", "body": "x"})
        assert (await next_of(connection, "error"))["field"] == "room"
        await connection.send_json_to({"type": "send", "room": room.pk, "body": "", "nonce": "e"})
        assert (await next_of(connection, "error"))["field"] == "body"
        await connection.send_json_to(["not", "an", "object"])
        await connection.send_json_to({"type": "ping"})
        await next_of(connection, "pong")
        await connection.disconnect()

    run(scenario)
