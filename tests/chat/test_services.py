"""Chat's business rules, through its services and permissions, on the real database."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from flywheel.chat import permissions, queries, services
from flywheel.chat.models import Message, MessageFlag, RoomKind, RoomSanctionKind
from flywheel.chat.privacy import erase_chat, export_chat
from flywheel.core.exceptions import InvalidInput, RateLimited
from flywheel.core.models import Activity, Verb
from flywheel.notifications.models import Notification, NotificationKind
from flywheel.notifications.queries import notifications_for
from tests.chat.conftest import grant
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def old_member(**fields):
    """A member whose account is old enough for trust level 2 (account-age fallback)."""
    member = UserFactory(**fields)
    member.date_joined = timezone.now() - timedelta(days=60)
    member.save(update_fields=["date_joined"])
    return member


def test_a_member_writes_in_a_space_room_and_the_log_records_it(room, anna):
    message = services.post_message(author=anna, room=room, body="Hello **trail**")

    assert message.body_html == "<p>Hello <strong>trail</strong></p>\n"
    activity = Activity.objects.get(verb=Verb.CHAT_MESSAGE_POSTED)
    assert activity.actor == anna and activity.target == message
    assert activity.space == room.space
    assert activity.payload["url"] == f"/chat/r/{room.pk}/#message-{message.pk}"


def test_an_empty_or_too_long_message_is_refused_naming_the_body(room, anna):
    with pytest.raises(InvalidInput) as empty:
        services.post_message(author=anna, room=room, body="   ")
    with pytest.raises(InvalidInput) as long:
        services.post_message(author=anna, room=room, body="x" * 4001)
    assert empty.value.field == long.value.field == "body"
    assert not Message.objects.exists()


def test_a_non_member_of_a_gated_space_can_neither_read_nor_write_its_room(gated_room, anna):
    with pytest.raises(PermissionDenied):
        permissions.access_room(anna, gated_room.pk)
    with pytest.raises(PermissionDenied):
        services.post_message(author=anna, room=gated_room, body="let me in")
    grant(gated_room.space, anna)
    services.post_message(author=anna, room=gated_room, body="thanks")


def test_a_direct_conversation_is_invisible_to_everyone_else(anna, ben):
    room = services.open_direct_room(by=anna, members=[ben])
    outsider = UserFactory()

    assert room.kind == RoomKind.DIRECT
    with pytest.raises(Http404):
        permissions.access_room(outsider, room.pk)
    assert room not in permissions.filter_rooms_queryset(outsider)
    assert room in permissions.filter_rooms_queryset(ben)


def test_opening_the_same_conversation_twice_gives_the_same_room(anna, ben):
    first = services.open_direct_room(by=anna, members=[ben])
    again = services.open_direct_room(by=ben, members=[anna])
    assert first == again


def test_a_small_group_conversation_has_a_size_limit(anna):
    crowd = [UserFactory() for _ in range(services.MAX_DIRECT_OTHERS + 1)]
    with pytest.raises(InvalidInput) as refused:
        services.open_direct_room(by=anna, members=crowd)
    assert refused.value.field == "members"
    room = services.open_direct_room(by=anna, members=crowd[:3])
    assert room.memberships.count() == 4


def test_a_blocked_member_cannot_start_a_conversation_or_write_in_one(anna, ben):
    room = services.open_direct_room(by=ben, members=[anna])
    services.block_member(blocker=anna, blocked=ben)

    with pytest.raises(PermissionDenied):
        services.post_message(author=ben, room=room, body="are you there?")
    with pytest.raises(PermissionDenied):
        services.open_direct_room(by=ben, members=[anna, UserFactory()])
    # The blocker still writes (and unblocking restores the blocked member's voice).
    services.post_message(author=anna, room=room, body="please stop")
    services.unblock_member(blocker=anna, blocked=ben)
    services.post_message(author=ben, room=room, body="sorry")
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {Verb.MEMBER_BLOCKED, Verb.MEMBER_UNBLOCKED} <= verbs


def test_a_member_who_turned_direct_messages_off_gets_none(anna, ben):
    existing = services.open_direct_room(by=ben, members=[anna])
    services.set_direct_messages(member=anna, enabled=False)

    with pytest.raises(PermissionDenied):
        services.open_direct_room(by=UserFactory(), members=[anna])
    with pytest.raises(PermissionDenied):
        services.post_message(author=ben, room=existing, body="hi again")
    services.set_direct_messages(member=anna, enabled=True)
    services.post_message(author=ben, room=existing, body="hi again")


def test_a_mention_reaches_the_bell_and_leads_to_the_message(
    room, anna, ben, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.post_message(author=anna, room=room, body="@ben see the new boots?")

    notification = notifications_for(ben).get()
    assert notification.kind == NotificationKind.MENTION
    assert notification.actor == anna
    assert notification.get_absolute_url() == message.get_absolute_url()


def test_a_mention_of_someone_who_cannot_read_the_room_tells_them_nothing(
    gated_room, anna, ben, django_capture_on_commit_callbacks
):
    grant(gated_room.space, anna)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(author=anna, room=gated_room, body="@ben you would love this")
    assert Activity.objects.get(verb=Verb.CHAT_MESSAGE_POSTED).payload["mentions"] == []
    assert not Notification.objects.filter(recipient=ben).exists()


def test_slow_mode_spaces_out_a_members_messages_but_not_a_moderators(room, anna, staff):
    services.set_slow_mode(room=room, by=staff, seconds=30)
    services.post_message(author=anna, room=room, body="one")
    with pytest.raises(RateLimited) as waiting:
        services.post_message(author=anna, room=room, body="two")
    assert 0 < waiting.value.retry_after <= 30
    services.post_message(author=staff, room=room, body="mods are not slowed")
    services.post_message(author=staff, room=room, body="at all")
    assert Activity.objects.filter(verb=Verb.CHAT_SLOW_MODE_SET).exists()


def test_only_a_moderator_sets_slow_mode(room, anna):
    with pytest.raises(PermissionDenied):
        services.set_slow_mode(room=room, by=anna, seconds=10)


def test_chat_allowance_depends_on_the_trust_level(room, settings):
    settings.FLYWHEEL_RATE_LIMITS = {**settings.FLYWHEEL_RATE_LIMITS, "chat": {0: "3/m", 2: "6/m"}}
    # Levels by account age (the trust app would want earned activity first).
    settings.FLYWHEEL_TRUST_LEVEL_RESOLVER = "flywheel.core.ratelimit.level_from_account_age"
    newcomer, regular = UserFactory(), old_member()
    for number in range(3):
        services.post_message(author=newcomer, room=room, body=f"new {number}")
    with pytest.raises(RateLimited):
        services.post_message(author=newcomer, room=room, body="one too many")
    for number in range(6):
        services.post_message(author=regular, room=room, body=f"regular {number}")
    with pytest.raises(RateLimited):
        services.post_message(author=regular, room=room, body="one too many")


def test_a_muted_member_reads_but_cannot_write_until_unmuted(room, anna, staff):
    services.sanction_member(room=room, by=staff, member=anna, kind=RoomSanctionKind.MUTE)
    permissions.access_room(anna, room.pk)
    with pytest.raises(PermissionDenied):
        services.post_message(author=anna, room=room, body="hello?")
    services.lift_sanction(room=room, by=staff, member=anna, kind=RoomSanctionKind.MUTE)
    services.post_message(author=anna, room=room, body="hello!")
    verbs = list(Activity.objects.values_list("verb", flat=True))
    assert Verb.CHAT_MEMBER_MUTED in verbs and Verb.CHAT_SANCTION_LIFTED in verbs


def test_a_banned_member_loses_the_room_until_the_ban_ends(room, anna, staff):
    services.sanction_member(room=room, by=staff, member=anna, kind=RoomSanctionKind.BAN, minutes=5)
    with pytest.raises(PermissionDenied):
        permissions.access_room(anna, room.pk)
    assert room not in permissions.filter_rooms_queryset(anna)
    sanction = room.sanctions.get()
    sanction.ends_at = timezone.now() - timedelta(seconds=1)
    sanction.save(update_fields=["ends_at"])
    permissions.access_room(anna, room.pk)


def test_members_cannot_mute_each_other_nor_moderators_be_banned(room, anna, ben, staff):
    with pytest.raises(PermissionDenied):
        services.sanction_member(room=room, by=anna, member=ben, kind=RoomSanctionKind.MUTE)
    space_moderator = ModeratorFactory()
    with pytest.raises(Exception) as refused:
        services.sanction_member(
            room=room, by=staff, member=space_moderator, kind=RoomSanctionKind.BAN
        )
    assert getattr(refused.value, "field", None) == "member"


def test_authors_edit_and_delete_their_messages_moderators_delete_any(room, anna, ben, staff):
    message = services.post_message(author=anna, room=room, body="first draft")
    with pytest.raises(PermissionDenied):
        services.edit_message(message=message, by=ben, body="hijacked")
    with pytest.raises(PermissionDenied):
        services.delete_message(message=message, by=ben)

    edited = services.edit_message(message=message, by=anna, body="second draft")
    assert edited.edited_at is not None and "second draft" in edited.body_html
    deleted = services.delete_message(message=edited, by=staff)
    assert deleted.is_deleted and deleted.body == "" and deleted.deleted_by == staff
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {Verb.CHAT_MESSAGE_EDITED, Verb.CHAT_MESSAGE_DELETED} <= verbs


def test_a_reaction_toggles_and_is_logged_once_when_added(room, anna, ben):
    message = services.post_message(author=anna, room=room, body="new tent!")
    assert services.toggle_reaction(message=message, member=ben, kind="heart") is True
    assert message.reactions.count() == 1
    assert services.toggle_reaction(message=message, member=ben, kind="heart") is False
    assert message.reactions.count() == 0
    assert Activity.objects.filter(verb=Verb.CHAT_REACTION_ADDED).count() == 1
    with pytest.raises(InvalidInput) as unknown:
        services.toggle_reaction(message=message, member=ben, kind="dynamite")
    assert unknown.value.field == "kind"


def test_a_member_flags_a_message_once(room, anna, ben):
    message = services.post_message(author=anna, room=room, body="buy followers here")
    services.flag_message(message=message, flagger=ben, reason="spam")
    services.flag_message(message=message, flagger=ben, reason="spam again")
    assert MessageFlag.objects.count() == 1
    assert Activity.objects.filter(verb=Verb.CHAT_MESSAGE_FLAGGED).count() == 1
    with pytest.raises(InvalidInput):
        services.flag_message(message=message, flagger=anna)


def test_unread_counts_follow_the_read_marker(room, anna, ben):
    services.join_room(member=ben, room=room)
    messages = [services.post_message(author=anna, room=room, body=f"update {n}") for n in range(4)]

    counts = {item.pk: item.unread for item in queries.rooms_for(ben)}
    assert counts[room.pk] == 4
    services.mark_read(member=ben, room=room, message_id=messages[1].pk)
    assert {item.pk: item.unread for item in queries.rooms_for(ben)}[room.pk] == 2
    # The marker never moves back, nor past the last message.
    assert services.mark_read(member=ben, room=room, message_id=messages[0].pk) == messages[1].pk
    assert services.mark_read(member=ben, room=room, message_id=10**9) == messages[-1].pk
    assert {item.pk: item.unread for item in queries.rooms_for(ben)}[room.pk] == 0
    # The writer's own messages are never unread for them.
    assert {item.pk: item.unread for item in queries.rooms_for(anna)}[room.pk] == 0


def test_history_pages_walk_back_and_forward_in_reading_order(room, anna):
    ids = [
        services.post_message(author=anna, room=room, body=f"m{n}", enforce_rate_limit=False).pk
        for n in range(queries.HISTORY_PAGE + 5)
    ]
    latest = queries.history(room)
    assert [m.pk for m in latest] == ids[5:]
    older = queries.history(room, before=latest[0].pk)
    assert [m.pk for m in older] == ids[:5]
    newer = queries.history(room, after=ids[-3])
    assert [m.pk for m in newer] == ids[-2:]


def test_search_finds_messages_only_in_rooms_the_member_may_read(room, gated_room, anna, staff):
    services.post_message(author=staff, room=room, body="The Ridge 40 pack is back")
    services.post_message(author=staff, room=gated_room, body="Secret Ridge 40 colourway")
    results = list(queries.search_messages(anna, "ridge 40"))
    assert [m.body for m in results] == ["The Ridge 40 pack is back"]


def test_an_event_room_asks_the_events_owner_who_may_see_it(staff, anna):
    from flywheel.core import hooks

    # Any object can carry a room; here a space stands in for an event.
    from tests.factories import SpaceFactory

    event_like = SpaceFactory(slug="launch-night")
    room = services.open_room(name="Launch AMA", target=event_like, space=None, by=staff)
    assert services.open_room(name="again", target=event_like, by=staff) == room
    permissions.access_room(anna, room.pk)

    def only_staff(user, target):
        return user.is_brand_team if target == event_like else None

    with hooks.target_view_checks.registered(only_staff, name="test.only_staff"):
        with pytest.raises(PermissionDenied):
            permissions.access_room(anna, room.pk)
        assert room.pk not in [item.pk for item in queries.rooms_for(anna)]
        permissions.access_room(staff, room.pk)


def test_export_has_the_members_messages_and_erasure_blanks_them(room, anna, ben):
    services.post_message(author=anna, room=room, body="my words")
    direct = services.open_direct_room(by=anna, members=[ben])
    services.post_message(author=anna, room=direct, body="just us")
    services.block_member(blocker=anna, blocked=ben)

    exported = export_chat(anna)
    assert [m["body"] for m in exported["messages"]] == ["my words", "just us"]
    assert exported["blocked_handles"] == ["ben"]

    erase_chat(anna, content="anonymise")
    assert not Message.objects.filter(author=anna).exists()
    assert set(Message.objects.values_list("body", flat=True)) == {""}
    assert export_chat(anna)["messages"] == []
