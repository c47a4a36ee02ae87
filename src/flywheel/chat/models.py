"""Live chat: rooms (in a space, or attached to any object such as an event), direct
messages, read markers, reactions, flags, room mutes and bans, blocks and DM preferences.

Every write goes through chat.services; every read of a room goes through
chat.permissions.access_room (docs/chat.md)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from flywheel.community.models import ReactionKind


class RoomKind(models.TextChoices):
    ROOM = "room", _("Room")
    DIRECT = "direct", _("Direct messages")


class Room(models.Model):
    """A conversation. A `room` lives in a space (its readers are the space's readers) and may
    be attached to any object (an event's AMA room) through `target`; a `direct` room is a
    one-to-one or small-group conversation whose readers are exactly its members."""

    kind = models.CharField(_("kind"), max_length=10, choices=RoomKind.choices)
    name = models.CharField(_("name"), max_length=80, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    space = models.ForeignKey(
        "community.Space",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_rooms",
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # Sorted member ids of a direct room ("3-8-12"): opening the same conversation twice
    # finds the first one.
    direct_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    last_message_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")
        ordering = ["position", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="direct", space__isnull=True, direct_key__isnull=False)
                | Q(kind="room", direct_key__isnull=True),
                name="chat_room_kind_fields",
            ),
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(target_id__isnull=False),
                name="chat_one_room_per_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("chat:room", kwargs={"room_id": self.pk})

    @property
    def is_direct(self) -> bool:
        return self.kind == RoomKind.DIRECT

    def group_name(self) -> str:
        """The channel-layer group every live connection reading this room joins."""
        return f"chat.room.{self.pk}"


class RoomMembership(models.Model):
    """A member in a room: everyone in a direct room; in a space room, whoever opened it. Holds
    the read marker (the last message id the member has seen)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    joined_at = models.DateTimeField()
    last_read_message_id = models.BigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat room member")
        verbose_name_plural = _("chat room members")
        constraints = [
            models.UniqueConstraint(fields=["room", "member"], name="chat_one_membership")
        ]
        indexes = [models.Index(fields=["member", "room"])]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.room_id}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_messages",
    )
    body = models.TextField(_("message"), max_length=4000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(_("written at"))
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["id"]
        indexes = [
            # History pages and unread counts walk a room's messages by id.
            models.Index(fields=["room", "id"]),
            models.Index(fields=["author", "room", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.room_id}"

    def get_absolute_url(self) -> str:
        return f"{self.room.get_absolute_url()}#message-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageReaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_reactions"
    )
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "member", "kind"], name="chat_one_reaction_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.member_id} on {self.message_id}"


class MessageFlag(models.Model):
    """A member asks the room's moderators to look at a message (once per member)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_flags"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat message flag")
        verbose_name_plural = _("chat message flags")
        constraints = [
            models.UniqueConstraint(fields=["message", "flagger"], name="chat_flag_once")
        ]

    def __str__(self) -> str:
        return f"flag on {self.message_id} by {self.flagger_id}"


class RoomSanctionKind(models.TextChoices):
    MUTE = "mute", _("Muted (reads, cannot write)")
    BAN = "ban", _("Banned (cannot read or write)")


class RoomSanction(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sanctions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_sanctions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RoomSanctionKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat room sanction")
        verbose_name_plural = _("chat room sanctions")
        indexes = [models.Index(fields=["room", "member"])]

    def __str__(self) -> str:
        return f"{self.kind} of {self.member_id} in {self.room_id}"


class ChatPreference(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_preference"
    )
    direct_messages_enabled = models.BooleanField(_("accept direct messages"), default=True)

    class Meta:
        verbose_name = _("chat preference")
        verbose_name_plural = _("chat preferences")

    def __str__(self) -> str:
        return f"chat preferences of {self.member_id}"


class MemberBlock(models.Model):
    """`blocker` no longer hears from `blocked`: no direct messages from them, no new
    conversation with them."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("blocked member")
        verbose_name_plural = _("blocked members")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="chat_block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="chat_no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
