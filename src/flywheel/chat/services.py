"""Every write to chat, one function per business action (docs/chat.md).

Each checks permission through chat.permissions, writes inside a transaction, records what
happened in the Activity log and, after commit, tells live connections (chat.realtime)."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.chat import permissions, realtime
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
    RoomSanctionKind,
)
from flywheel.chat.rendering import message_event
from flywheel.community.models import ReactionKind
from flywheel.core.exceptions import Conflict, InvalidInput, RateLimited
from flywheel.core.markup import find_mentions, render_markdown
from flywheel.core.models import Verb
from flywheel.core.ratelimit import check_action_rate_limit
from flywheel.core.services import record_activity

MAX_MESSAGE_LENGTH = 4000
# A direct conversation holds its starter and at most this many others ("small group").
MAX_DIRECT_OTHERS = 8
MAX_SLOW_MODE_SECONDS = 3600


# ------------------------------------------------------------------------- rooms


@transaction.atomic
def open_room(
    *,
    name: str,
    by,
    space=None,
    target=None,
    topic: str = "",
    position: int = 0,
    at: datetime | None = None,
) -> Room:
    """A room in `space`, or attached to `target` (any object: an event's AMA room), or both.
    Idempotent: the same target, or the same name in the same space, gives the same room.
    `at` backdates it (the demo's history)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the room a name."), field="name")
    if len(name) > 80:
        raise InvalidInput(_("Room names are at most 80 characters."), field="name")
    if space is None and target is None:
        raise InvalidInput(_("A room belongs to a space or to an event."), field="space")
    if not (by.is_brand_team or by.is_superuser):
        raise PermissionDenied(_("Only the brand team opens rooms."))
    if target is not None:
        target_type = ContentType.objects.get_for_model(target)
        existing = Room.objects.filter(target_type=target_type, target_id=target.pk).first()
        if existing is not None:
            return existing
    else:
        existing = Room.objects.filter(kind=RoomKind.ROOM, space=space, name=name).first()
        if existing is not None:
            return existing
        target_type = None
    room = Room.objects.create(
        kind=RoomKind.ROOM,
        name=name,
        topic=topic[:200],
        space=space,
        target_type=target_type,
        target_id=target.pk if target is not None else None,
        created_by=by,
        created_at=at or timezone.now(),
        position=position,
    )
    record_activity(
        actor=by,
        verb=Verb.CHAT_ROOM_OPENED,
        target=room,
        space=space,
        payload={"room_id": room.pk, "kind": room.kind},
        at=room.created_at,
    )
    return room


def join_room(*, member, room: Room) -> RoomMembership:
    """The member's place in a room they may read (their read marker lives there)."""
    permissions.check_room_view_permission(member, room)
    membership, _created = RoomMembership.objects.get_or_create(
        room=room, member=member, defaults={"joined_at": timezone.now()}
    )
    return membership


def _direct_key(member_ids) -> str:
    return "-".join(str(member_id) for member_id in sorted(set(member_ids)))


@transaction.atomic
def open_direct_room(*, by, members, at: datetime | None = None) -> Room:
    """A one-to-one or small-group conversation between `by` and `members`. Opening the same
    set of people again gives the same room. Refused when one of them turned direct messages
    off or blocked `by`, or `by` blocked them. `at` backdates it (the demo's history)."""
    others = {member.pk: member for member in members if member.pk != by.pk}
    if not others:
        raise InvalidInput(_("Choose someone to write to."), field="members")
    if len(others) > MAX_DIRECT_OTHERS:
        raise InvalidInput(
            _("A group conversation holds at most %(count)d other members.")
            % {"count": MAX_DIRECT_OTHERS},
            field="members",
        )
    for other in others.values():
        if not other.is_active:
            raise InvalidInput(_("%(name)s has left.") % {"name": other.name}, field="members")
    if MemberBlock.objects.filter(blocker_id__in=others, blocked=by).exists():
        raise PermissionDenied(_("You cannot write to this member."))
    if MemberBlock.objects.filter(blocker=by, blocked_id__in=others).exists():
        raise InvalidInput(_("Unblock the member first."), field="members")
    switched_off = ChatPreference.objects.filter(
        member_id__in=others, direct_messages_enabled=False
    ).select_related("member")
    for preference in switched_off:
        raise PermissionDenied(
            _("%(name)s does not accept direct messages.") % {"name": preference.member.name}
        )
    key = _direct_key([by.pk, *others])
    existing = Room.objects.filter(direct_key=key).first()
    if existing is not None:
        return existing
    check_action_rate_limit(member=by, action="message")
    now = at or timezone.now()
    try:
        with transaction.atomic():
            room = Room.objects.create(
                kind=RoomKind.DIRECT, direct_key=key, created_by=by, created_at=now
            )
    except IntegrityError:
        return Room.objects.get(direct_key=key)
    RoomMembership.objects.bulk_create(
        [
            RoomMembership(room=room, member_id=member_id, joined_at=now)
            for member_id in [by.pk, *others]
        ]
    )
    record_activity(
        actor=by,
        verb=Verb.CHAT_ROOM_OPENED,
        target=room,
        payload={"room_id": room.pk, "kind": room.kind, "members": sorted(others)},
        at=now,
    )
    # The others' live connections join the new room's group at once.
    for member_id in others:
        realtime.send_after_commit(
            realtime.member_group(member_id), {"type": "room.joined", "room": room.pk}
        )
    return room


# ------------------------------------------------------------------------- messages


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write something first."), field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise InvalidInput(
            _("Messages are at most %(count)d characters.") % {"count": MAX_MESSAGE_LENGTH},
            field="body",
        )
    return body


def _check_slow_mode(*, author, room: Room, now) -> None:
    if not room.slow_mode_seconds or permissions.is_room_moderator(author, room):
        return
    since = now - timedelta(seconds=room.slow_mode_seconds)
    last = (
        Message.objects.filter(room=room, author=author, created_at__gt=since)
        .aggregate(last=Max("created_at"))
        .get("last")
    )
    if last is not None:
        wait = max(1, int((last - since).total_seconds()))
        raise RateLimited(
            _("Slow mode is on in this room: you can write again in %(seconds)d seconds.")
            % {"seconds": wait},
            retry_after=wait,
        )


def _readers_mentioned(*, body: str, room: Room, author) -> list[int]:
    """Mentioned members who may read the room (nobody learns of a room they cannot open)."""
    handles = find_mentions(body)
    if not handles:
        return []
    members = (
        get_user_model().objects.filter(handle__in=handles, is_active=True).exclude(pk=author.pk)
    )
    mentioned = []
    for member in members:
        try:
            permissions.check_room_view_permission(member, room)
        except (PermissionDenied, Http404):  # noqa: PERF203 - a handful of members
            continue
        mentioned.append(member.pk)
    return mentioned


@transaction.atomic
def post_message(
    *, author, room: Room, body: str, enforce_rate_limit: bool = True, at=None
) -> Message:
    """Write in a room the author may write in. Slow mode and the per-trust-level chat
    allowance apply (not to the demo replaying history); @mentions of members who may read
    the room reach their bell through the Activity log."""
    body = _clean_body(body)
    permissions.check_room_write_permission(author, room)
    now = at or timezone.now()
    if enforce_rate_limit:
        _check_slow_mode(author=author, room=room, now=now)
        check_action_rate_limit(member=author, action="chat")
    message = Message.objects.create(
        room=room, author=author, body=body, body_html=render_markdown(body), created_at=now
    )
    Room.objects.filter(pk=room.pk).update(last_message_at=now)
    membership, _created = RoomMembership.objects.get_or_create(
        room=room, member=author, defaults={"joined_at": now}
    )
    RoomMembership.objects.filter(pk=membership.pk).update(
        last_read_message_id=message.pk, last_read_at=now
    )
    mentions = _readers_mentioned(body=body, room=room, author=author)
    message.author = author
    message.room = room
    # Registered before the activity's dispatch, so on commit the room hears the message
    # before the activity's consumers (notifications, search, rewards…) run.
    realtime.send_after_commit(room.group_name(), message_event(message, "chat.message"))
    record_activity(
        actor=author,
        verb=Verb.CHAT_MESSAGE_POSTED,
        target=message,
        space=room.space,
        payload={"room_id": room.pk, "mentions": mentions, "url": message.get_absolute_url()},
        at=now,
    )
    return message


def _locked_message(message_id: int) -> Message:
    return (
        Message.objects.select_for_update(of=("self",))
        .select_related("room__space")
        .get(pk=message_id)
    )


@transaction.atomic
def edit_message(*, message: Message, by, body: str) -> Message:
    body = _clean_body(body)
    message = _locked_message(message.pk)
    permissions.check_room_view_permission(by, message.room)
    permissions.check_message_change_permission(by, message)
    if body == message.body:
        return message
    message.body = body
    message.body_html = render_markdown(body)
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "body_html", "edited_at"])
    record_activity(
        actor=by,
        verb=Verb.CHAT_MESSAGE_EDITED,
        target=message,
        space=message.room.space,
        payload={"room_id": message.room_id},
    )
    realtime.send_after_commit(message.room.group_name(), message_event(message, "chat.update"))
    return message


@transaction.atomic
def delete_message(*, message: Message, by) -> Message:
    """The author, or a room moderator, deletes a message: its text is gone for everyone."""
    message = _locked_message(message.pk)
    permissions.check_room_view_permission(by, message.room)
    permissions.check_message_delete_permission(by, message)
    message.deleted_at = timezone.now()
    message.deleted_by = by
    message.body = ""
    message.body_html = ""
    message.save(update_fields=["deleted_at", "deleted_by", "body", "body_html"])
    MessageReaction.objects.filter(message=message).delete()
    record_activity(
        actor=by,
        verb=Verb.CHAT_MESSAGE_DELETED,
        target=message,
        space=message.room.space,
        payload={"room_id": message.room_id, "author_id": message.author_id},
    )
    realtime.send_after_commit(message.room.group_name(), message_event(message, "chat.update"))
    return message


@transaction.atomic
def toggle_reaction(*, message: Message, member, kind: str, at: datetime | None = None) -> bool:
    """Adds the reaction, or takes it back if the member had given it. True when added.
    `at` backdates it (the demo's history)."""
    if kind not in ReactionKind.values:
        raise InvalidInput(_("Choose one of the offered reactions."), field="kind")
    message = Message.objects.select_related("room__space").get(pk=message.pk)
    permissions.check_room_view_permission(member, message.room)
    if message.is_deleted:
        raise PermissionDenied(_("This message was deleted."))
    removed, _counts = MessageReaction.objects.filter(
        message=message, member=member, kind=kind
    ).delete()
    added = not removed
    if added:
        check_action_rate_limit(member=member, action="reaction")
        MessageReaction.objects.get_or_create(
            message=message, member=member, kind=kind, defaults={"created_at": at or timezone.now()}
        )
        record_activity(
            actor=member,
            verb=Verb.CHAT_REACTION_ADDED,
            target=message,
            space=message.room.space,
            payload={"room_id": message.room_id, "kind": kind, "author_id": message.author_id},
            at=at,
        )
    realtime.send_after_commit(message.room.group_name(), message_event(message, "chat.update"))
    return added


def mark_read(*, member, room: Room, message_id: int) -> int:
    """Move the member's read marker forward to `message_id` (never back, never past the room's
    last message). Returns the marker; readers with the room open see it move."""
    membership = join_room(member=member, room=room)
    latest = Message.objects.filter(room=room).aggregate(last=Max("id"))["last"] or 0
    target = min(int(message_id), latest)
    if target <= membership.last_read_message_id:
        return membership.last_read_message_id
    updated = RoomMembership.objects.filter(
        pk=membership.pk, last_read_message_id__lt=target
    ).update(last_read_message_id=target, last_read_at=timezone.now())
    if updated:
        realtime.send_now(
            room.group_name(),
            {
                "type": "chat.read",
                "room": room.pk,
                "member": member.pk,
                "name": member.name,
                "message": target,
            },
        )
    return target


# ------------------------------------------------------------------------- moderation


@transaction.atomic
def flag_message(*, message: Message, flagger, reason: str = "") -> MessageFlag:
    """Ask the room's moderators to look at a message; once per member."""
    message = Message.objects.select_related("room__space").get(pk=message.pk)
    permissions.check_room_view_permission(flagger, message.room)
    if message.author_id == flagger.pk:
        raise InvalidInput(_("You cannot flag your own message."), field="message")
    existing = MessageFlag.objects.filter(message=message, flagger=flagger).first()
    if existing is not None:
        return existing
    check_action_rate_limit(member=flagger, action="flag")
    flag = MessageFlag.objects.create(
        message=message, flagger=flagger, reason=(reason or "")[:300], created_at=timezone.now()
    )
    record_activity(
        actor=flagger,
        verb=Verb.CHAT_MESSAGE_FLAGGED,
        target=message,
        space=message.room.space,
        payload={"room_id": message.room_id, "author_id": message.author_id, "reason": flag.reason},
    )
    return flag


@transaction.atomic
def set_slow_mode(*, room: Room, by, seconds: int) -> Room:
    permissions.check_room_moderate_permission(by, room)
    if seconds < 0 or seconds > MAX_SLOW_MODE_SECONDS:
        raise InvalidInput(
            _("Slow mode is between 0 and %(seconds)d seconds.")
            % {"seconds": MAX_SLOW_MODE_SECONDS},
            field="seconds",
        )
    Room.objects.filter(pk=room.pk).update(slow_mode_seconds=seconds)
    room.slow_mode_seconds = seconds
    record_activity(
        actor=by,
        verb=Verb.CHAT_SLOW_MODE_SET,
        target=room,
        space=room.space,
        payload={"room_id": room.pk, "seconds": seconds},
    )
    return room


@transaction.atomic
def sanction_member(
    *, room: Room, by, member, kind: str, minutes: int | None = None, reason: str = ""
) -> RoomSanction:
    """A room moderator mutes (reads, cannot write) or bans (neither) a member, for
    `minutes` or until lifted. A banned member's open pages leave the room at once."""
    permissions.check_room_moderate_permission(by, room)
    if kind not in RoomSanctionKind.values:
        raise InvalidInput(_("Choose mute or ban."), field="kind")
    if member.pk == by.pk or permissions.is_room_moderator(member, room):
        raise Conflict(_("Moderators cannot be muted or banned here."), field="member")
    if minutes is not None and minutes <= 0:
        raise InvalidInput(_("Give a number of minutes."), field="minutes")
    now = timezone.now()
    sanction = RoomSanction.objects.create(
        room=room,
        member=member,
        kind=kind,
        reason=(reason or "")[:300],
        ends_at=now + timedelta(minutes=minutes) if minutes else None,
        created_by=by,
        created_at=now,
    )
    verb = Verb.CHAT_MEMBER_BANNED if kind == RoomSanctionKind.BAN else Verb.CHAT_MEMBER_MUTED
    record_activity(
        actor=by,
        verb=verb,
        target=room,
        space=room.space,
        payload={"room_id": room.pk, "member_id": member.pk, "minutes": minutes},
    )
    if kind == RoomSanctionKind.BAN:
        realtime.send_after_commit(
            realtime.member_group(member.pk), {"type": "room.left", "room": room.pk}
        )
    return sanction


@transaction.atomic
def lift_sanction(*, room: Room, by, member, kind: str) -> int:
    permissions.check_room_moderate_permission(by, room)
    lifted = RoomSanction.objects.filter(
        permissions.sanctions_in_force_q(), room=room, member=member, kind=kind
    ).update(lifted_at=timezone.now())
    if lifted:
        record_activity(
            actor=by,
            verb=Verb.CHAT_SANCTION_LIFTED,
            target=room,
            space=room.space,
            payload={"room_id": room.pk, "member_id": member.pk, "kind": kind},
        )
    return lifted


# ------------------------------------------------------------------------- members' choices


@transaction.atomic
def set_direct_messages(*, member, enabled: bool) -> ChatPreference:
    preference, _created = ChatPreference.objects.get_or_create(member=member)
    if preference.direct_messages_enabled != enabled:
        preference.direct_messages_enabled = enabled
        preference.save(update_fields=["direct_messages_enabled"])
        record_activity(
            actor=member,
            verb=Verb.CHAT_DIRECT_MESSAGES_CHANGED,
            target=preference,
            payload={"enabled": enabled},
        )
    return preference


@transaction.atomic
def block_member(*, blocker, blocked) -> MemberBlock:
    """`blocked` can no longer write to `blocker` in direct messages, nor start one."""
    if blocker.pk == blocked.pk:
        raise InvalidInput(_("You cannot block yourself."), field="member")
    block, created = MemberBlock.objects.get_or_create(
        blocker=blocker, blocked=blocked, defaults={"created_at": timezone.now()}
    )
    if created:
        record_activity(
            actor=blocker,
            verb=Verb.MEMBER_BLOCKED,
            target=blocked,
            payload={"member_id": blocked.pk},
        )
    return block


@transaction.atomic
def unblock_member(*, blocker, blocked) -> bool:
    removed, _counts = MemberBlock.objects.filter(blocker=blocker, blocked=blocked).delete()
    if removed:
        record_activity(
            actor=blocker,
            verb=Verb.MEMBER_UNBLOCKED,
            target=blocked,
            payload={"member_id": blocked.pk},
        )
    return bool(removed)
