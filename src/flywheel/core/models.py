from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    """Every activity verb the platform records or plans to record, declared once.

    Consumers, point rules, badge criteria and trust counters name verbs through this enum, never
    as string literals; tests/core/test_verbs.py fails on a rule, badge or counter for a verb
    declared nowhere. Verbs of apps still to come are declared ahead so every app agrees."""

    TOPIC_CREATED = "topic_created", _("started a topic")
    REPLY_CREATED = "reply_created", _("replied")
    POST_EDITED = "post_edited", _("edited a post")
    POST_DELETED = "post_deleted", _("deleted a post")
    REACTION_ADDED = "reaction_added", _("reacted")
    REACTION_REMOVED = "reaction_removed", _("removed a reaction")
    ANSWER_ACCEPTED = "answer_accepted", _("accepted an answer")
    SPACE_JOINED = "space_joined", _("joined a space")
    SPACE_LEFT = "space_left", _("left a space")
    FOLLOWED = "followed", _("followed")
    UNFOLLOWED = "unfollowed", _("unfollowed")
    MEMBER_SIGNED_UP = "member_signed_up", _("joined the community")
    FLAG_RAISED = "flag_raised", _("flagged something for the moderators")
    GUIDELINES_ACCEPTED = "guidelines_accepted", _("accepted the community guidelines")
    APPEAL_SUBMITTED = "appeal_submitted", _("appealed a moderation decision")
    ORDER_PLACED = "order_placed", _("placed an order")
    ORDER_REFUNDED = "order_refunded", _("was refunded")
    # An order that counted as a purchase stops counting (docs/stores.md, order lifecycle).
    ORDER_CANCELLED = "order_cancelled", _("had an order cancelled")
    ORDER_VOIDED = "order_voided", _("had an order voided")
    # Reviews, referrals, ideas and events: apps being built; declared so rules can name them.
    REVIEW_PUBLISHED = "review_published", _("published a review")
    SHOWCASE_PUBLISHED = "showcase_published", _("shared a showcase")
    REFERRAL_CLICKED = "referral_clicked", _("had a referral link clicked")
    REFERRAL_SIGNED_UP = "referral_signed_up", _("referred a member who signed up")
    REFERRAL_CONVERTED = "referral_converted", _("referred a member who ordered")
    REFERRAL_REJECTED = "referral_rejected", _("had a referral rejected")
    # Staff approved a held referral, or its refund window passed (docs/referrals.md).
    REFERRAL_APPROVED = "referral_approved", _("had a referral approved")
    IDEA_SUBMITTED = "idea_submitted", _("submitted an idea")
    IDEA_VOTED = "idea_voted", _("voted for an idea")
    # The ideas portal and feedback boards (docs/ideas.md).
    IDEA_SUPPORT_WITHDRAWN = "idea_support_withdrawn", _("withdrew support for an idea")
    IDEA_COMMENTED = "idea_commented", _("commented on an idea")
    # Staff moved an idea on, or a milestone window moved it (actor empty: the platform).
    IDEA_STATUS_CHANGED = "idea_status_changed", _("changed the status of an idea")
    FEATURE_REQUESTED = "feature_requested", _("requested a feature")
    FEATURE_VOTED = "feature_voted", _("voted for a feature request")
    FEATURE_STATUS_CHANGED = "feature_status_changed", _("changed the status of a feature request")
    EVENT_REGISTERED = "event_registered", _("registered for an event")
    EVENT_ATTENDED = "event_attended", _("attended an event")
    # Live chat (docs/chat.md): rooms in spaces or attached to an object, direct messages.
    CHAT_ROOM_OPENED = "chat_room_opened", _("opened a chat room")
    CHAT_MESSAGE_POSTED = "chat_message_posted", _("wrote in a chat room")
    CHAT_MESSAGE_EDITED = "chat_message_edited", _("edited a chat message")
    CHAT_MESSAGE_DELETED = "chat_message_deleted", _("deleted a chat message")
    CHAT_REACTION_ADDED = "chat_reaction_added", _("reacted to a chat message")
    CHAT_MESSAGE_FLAGGED = "chat_message_flagged", _("flagged a chat message")
    CHAT_SLOW_MODE_SET = "chat_slow_mode_set", _("set a chat room's slow mode")
    CHAT_MEMBER_MUTED = "chat_member_muted", _("muted a member in a chat room")
    CHAT_MEMBER_BANNED = "chat_member_banned", _("banned a member from a chat room")
    CHAT_SANCTION_LIFTED = "chat_sanction_lifted", _("lifted a chat room mute or ban")
    CHAT_DIRECT_MESSAGES_CHANGED = (
        "chat_direct_messages_changed",
        _("changed who may send them direct messages"),
    )
    MEMBER_BLOCKED = "member_blocked", _("blocked a member")
    MEMBER_UNBLOCKED = "member_unblocked", _("unblocked a member")
    # Polls in topics and member surveys (docs/surveys.md).
    POLL_VOTED = "poll_voted", _("voted in a poll")
    SURVEY_ANSWERED = "survey_answered", _("answered a survey")
    # Product trials (docs/trials.md): tester programmes for new products.
    TRIAL_APPLIED = "trial_applied", _("applied to test a product")
    TRIAL_SELECTED = "trial_selected", _("was selected to test a product")
    TRIAL_FEEDBACK_GIVEN = "trial_feedback_given", _("gave feedback on a tested product")
    # Challenges (docs/challenges.md): a goal over a period with daily check-ins.
    CHALLENGE_JOINED = "challenge_joined", _("joined a challenge")
    CHALLENGE_CHECKED_IN = "challenge_checked_in", _("checked in to a challenge")
    CHALLENGE_COMPLETED = "challenge_completed", _("completed a challenge")


class Activity(models.Model):
    """One row per thing a member did; rewards, notifications and analytics read this log."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="activities"
    )
    verb = models.CharField(max_length=40, choices=Verb.choices, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL)
    target_id = models.BigIntegerField(null=True)
    target = GenericForeignKey("target_type", "target_id")
    space = models.ForeignKey(
        "community.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    # Makes recording idempotent: the same business event can be logged only once.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "verb", "created_at"]),
            models.Index(fields=["space", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.target_type_id}:{self.target_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (will retry)")
    DEAD = "dead", _("Dead (retries exhausted)")


# States the sweep still has work for (the partial index below covers only these rows).
UNDONE_STATES = (DeliveryState.PENDING, DeliveryState.FAILED)


class ActivityDelivery(models.Model):
    """One activity handed to one consumer (as Saleor's EventDelivery): written in the same
    transaction as the activity, delivered, retried and dead-lettered on its own, so a
    failing consumer never holds back the others."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="deliveries",
        # The unique (activity, consumer) index starts with activity_id and serves joins.
        db_index=False,
    )
    # The consumer's stable name in core.services.activity_consumers() (its dotted path).
    consumer = models.CharField(_("consumer"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    # When the sweep should hand it out (again) if it is still pending or failed: a little
    # after creation for a first attempt whose dispatch may have been lost, the backoff for
    # a failed one.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity delivery")
        verbose_name_plural = _("activity deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "consumer"], name="core_delivery_once_per_consumer"
            )
        ]
        indexes = [
            # The sweep's query: small, because delivered and dead rows are left out.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "failed"]),
                name="core_delivery_due",
            ),
            # The dead-letter list (admin, `flywheel activity replay --dead`).
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="dead"),
                name="core_delivery_dead",
            ),
        ]

    def __str__(self) -> str:
        return f"activity {self.activity_id} → {self.consumer} ({self.state})"


class OutboundMessage(models.Model):
    """One call to a service outside Flywheel (a Discord or Slack webhook, a Telegram bot, a
    brand's segment webhook): stored first, then sent, retried with backoff, dead-lettered
    and replayable on its own (core/outbound.py), the way ActivityDelivery is for consumers.

    `kind` names the sender registered in hooks.outbound_senders; `payload` is everything
    the sender needs, so a replay a week later sends the same thing."""

    kind = models.CharField(_("kind"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict)
    # The same business event is sent once: e.g. "bridge:3:topic:41".
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    # Messages sharing a key wait together when the far side says "slow down" (one
    # webhook's rate limit holds back that webhook's other messages, not everyone's).
    throttle_key = models.CharField(_("throttle key"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "failed"]),
                name="core_outbound_due",
            ),
            models.Index(
                fields=["throttle_key"],
                condition=models.Q(state__in=["pending", "failed"]),
                name="core_outbound_throttle",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="dead"),
                name="core_outbound_dead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dedupe_key} ({self.state})"
