"""Chat pages and fragments: what members see, flat query counts, the polling fallback, the
denied cases and bad input answered with the field's name."""

import pytest
from django.urls import reverse

from flywheel.chat import services
from flywheel.chat.models import Message, RoomSanctionKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def fill(room, count: int, *, authors) -> list[Message]:
    messages = []
    for number in range(count):
        message = services.post_message(
            author=authors[number % len(authors)],
            room=room,
            body=f"Trail report {number} @{authors[0].handle}",
            enforce_rate_limit=False,
        )
        messages.append(message)
        if number % 3 == 0:
            services.toggle_reaction(message=message, member=authors[-1], kind="heart")
    return messages


@pytest.mark.parametrize("count", [5, 50])
def test_a_room_page_costs_the_same_queries_with_5_or_50_messages(
    client, room, anna, ben, count, django_assert_num_queries
):
    authors = [anna, ben, *(UserFactory() for _ in range(count // 5))]
    fill(room, count, authors=authors)
    client.force_login(anna)
    client.get(reverse("chat:room", args=[room.pk]))  # warm the session and site caches
    # session, user, the room, the ban check, the sidebar (readable spaces, rooms with unread
    # counts, conversation members), history (messages with authors, reactions), read
    # markers, online members (memberships; nobody online: no member query), moderator check.
    with django_assert_num_queries(12):
        response = client.get(reverse("chat:room", args=[room.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="fw-chat-message') == min(count, 40)


@pytest.mark.parametrize("count", [5, 50])
def test_a_history_page_is_a_fixed_number_of_queries(
    client, room, anna, ben, count, django_assert_num_queries
):
    authors = [anna, ben, *(UserFactory() for _ in range(count // 5))]
    messages = fill(room, count + 1, authors=authors)
    client.force_login(anna)
    client.get(reverse("chat:rooms"))
    url = reverse("chat:messages", args=[room.pk]) + f"?before={messages[-1].pk}"
    # session, user, the room with its space, the ban check, messages with authors, reactions.
    with django_assert_num_queries(6):
        response = client.get(url, headers=HTMX)
    html = response.content.decode()
    assert html.count('class="fw-chat-message') == min(count, 40)


def test_the_room_page_shows_history_the_composer_and_who_is_online(client, room, anna, ben):
    services.post_message(author=ben, room=room, body="Anyone tried the **Ridge 40**?")
    client.force_login(anna)
    html = client.get(reverse("chat:room", args=[room.pk])).content.decode()
    assert "<strong>Ridge 40</strong>" in html
    assert html.count('id="message-') == 1 and "&lt;Message" not in html
    assert "data-chat-composer" in html and 'name="body"' in html
    assert "chat/live.js" in html


def test_the_polling_fallback_returns_only_newer_messages(client, room, anna, ben):
    first = services.post_message(author=ben, room=room, body="first")
    services.post_message(author=ben, room=room, body="second")
    client.force_login(anna)
    url = reverse("chat:messages", args=[room.pk]) + f"?after={first.pk}"
    html = client.get(url, headers=HTMX).content.decode()
    assert "second" in html and "first" not in html


def test_writing_without_javascript_returns_to_the_room(client, room, anna):
    client.force_login(anna)
    response = client.post(reverse("chat:messages", args=[room.pk]), {"body": "plain form"})
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:room", args=[room.pk])
    assert Message.objects.get().body == "plain form"


def test_an_empty_message_is_a_422_naming_the_field(client, room, anna):
    client.force_login(anna)
    response = client.post(reverse("chat:messages", args=[room.pk]), {"body": ""}, headers=HTMX)
    assert response.status_code == 422
    assert 'data-field="body"' in response.content.decode()


def test_a_bad_history_cursor_is_a_422_naming_it(client, room, anna):
    client.force_login(anna)
    response = client.get(reverse("chat:messages", args=[room.pk]) + "?before=abc", headers=HTMX)
    assert response.status_code == 422
    assert 'data-field="before"' in response.content.decode()


def test_a_non_member_of_a_gated_space_is_refused_its_room_and_history(client, gated_room, anna):
    client.force_login(anna)
    assert client.get(reverse("chat:room", args=[gated_room.pk])).status_code == 403
    response = client.post(
        reverse("chat:messages", args=[gated_room.pk]), {"body": "hi"}, headers=HTMX
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_someone_elses_conversation_is_not_found(client, anna, ben):
    room = services.open_direct_room(by=anna, members=[ben])
    services.post_message(author=anna, room=room, body="between us")
    client.force_login(UserFactory())
    response = client.get(reverse("chat:room", args=[room.pk]))
    assert response.status_code == 404
    assert "between us" not in response.content.decode()


def test_only_the_author_edits_and_the_page_says_so(client, room, anna, ben):
    message = services.post_message(author=anna, room=room, body="mine")
    client.force_login(ben)
    response = client.post(
        reverse("chat:edit", args=[message.pk]), {"body": "yours now"}, headers=HTMX
    )
    assert response.status_code == 403
    client.force_login(anna)
    response = client.post(reverse("chat:edit", args=[message.pk]), {"body": "mine, edited"})
    assert "mine, edited" in response.content.decode()


def test_a_member_starts_a_conversation_by_handle(client, anna, ben):
    client.force_login(anna)
    response = client.post(reverse("chat:direct"), {"handles": "@ben"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ben Okafor" in page


def test_starting_a_conversation_with_an_unknown_handle_names_the_field(client, anna):
    client.force_login(anna)
    response = client.post(reverse("chat:direct"), {"handles": "@nobody-here"}, headers=HTMX)
    assert response.status_code == 422
    assert 'data-field="handles"' in response.content.decode()


def test_members_turn_direct_messages_off_and_block_from_settings(client, anna, ben):
    client.force_login(anna)
    client.post(reverse("chat:settings"), {"action": "direct_messages"})
    client.post(reverse("chat:settings"), {"action": "block", "handle": "ben"})
    page = client.get(reverse("chat:settings")).content.decode()
    assert "@ben" in page
    client.force_login(ben)
    response = client.post(reverse("chat:direct"), {"handles": "@anna"}, headers=HTMX)
    assert response.status_code == 403


def test_a_moderator_mutes_from_the_room_page_and_a_member_cannot(client, room, anna, ben, staff):
    client.force_login(ben)
    response = client.post(
        reverse("chat:moderate", args=[room.pk]), {"action": "mute", "handle": "anna"}
    )
    assert response.status_code == 403
    client.force_login(staff)
    client.post(reverse("chat:moderate", args=[room.pk]), {"action": "mute", "handle": "anna"})
    assert room.sanctions.get().kind == RoomSanctionKind.MUTE


def test_search_page_lists_matching_messages(client, room, anna, ben):
    services.post_message(author=ben, room=room, body="The Ridge 40 pack is back")
    client.force_login(anna)
    html = client.get(reverse("chat:search") + "?q=ridge").content.decode()
    assert "The Ridge 40 pack is back" in html


def test_the_room_list_shows_unread_counts(client, room, anna, ben):
    services.join_room(member=anna, room=room)
    for number in range(3):
        services.post_message(author=ben, room=room, body=f"news {number}")
    client.force_login(anna)
    html = client.get(reverse("chat:rooms")).content.decode()
    assert 'data-unread="3"' in html
