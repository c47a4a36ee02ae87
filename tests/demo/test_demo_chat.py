"""The demo's live chat: rooms with history, reactions and unread messages, and Giulia's
conversation with the owner; a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.chat import queries
from flywheel.chat.models import Message, MessageReaction, Room, RoomKind
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_has_chat_rooms_with_history_and_a_direct_conversation(client):
    call_command("demo", **DEMO)

    rooms = Room.objects.filter(kind=RoomKind.ROOM, space__isnull=False)
    assert set(rooms.values_list("name", flat=True)) == {"trail-talk", "gear-help", "launch-ama"}
    # The upcoming AMA has its own room, linked from the event's page.
    event_room = Room.objects.get(kind=RoomKind.ROOM, space__isnull=True)
    event = event_room.target
    assert event.kind == "ama"
    assert f"/chat/r/{event_room.pk}/" in client.get(event.get_absolute_url()).content.decode()
    assert Message.objects.filter(room__kind=RoomKind.ROOM).count() >= 20
    assert MessageReaction.objects.exists()
    direct = Room.objects.get(kind=RoomKind.DIRECT)
    giulia = User.objects.get(handle="giulia")
    assert direct.messages.count() == 4
    assert direct.memberships.filter(member=giulia).exists()
    # Others wrote in the gear room after Giulia's last message there: unread for her.
    unread = {room.name: room.unread for room in queries.rooms_for(giulia)}
    assert unread["gear-help"] == 3

    client.force_login(giulia)
    page = client.get(reverse("chat:room", args=[direct.pk])).content.decode()
    assert "repair pilot in Turin" in page


def test_running_the_demo_twice_adds_no_chat(client):
    call_command("demo", **DEMO)
    before = (Room.objects.count(), Message.objects.count(), MessageReaction.objects.count())
    call_command("demo", **DEMO)
    assert (
        Room.objects.count(),
        Message.objects.count(),
        MessageReaction.objects.count(),
    ) == before
