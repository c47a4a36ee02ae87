"""Trust and safety: guidelines, flags, the review queue, sanctions, appeals and the audit log.

Hidden content is kept here, not on community.Post: a ModeratedPost row in a hidden state
takes the post (and, for an opening post, its topic) out of the community's reads
(flywheel.moderation.queries), so the community models know nothing of moderation.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------- guidelines


class Guidelines(models.Model):
    """One version of the community guidelines. The newest published version is current."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community guidelines")
        verbose_name_plural = _("community guidelines")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class GuidelinesAcceptance(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidelines_acceptances"
    )
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("guidelines acceptance")
        verbose_name_plural = _("guidelines acceptances")
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="accept_guidelines_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} accepted v{self.version}"


# ---------------------------------------------------------------- flags and the queue


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    INAPPROPRIATE = "inappropriate", _("Inappropriate")
    OFF_TOPIC = "off_topic", _("Off-topic")
    HARASSMENT = "harassment", _("Harassment")
    OTHER = "other", _("Something else")
    # Raised by auto-moderation, never offered to members.
    AUTOMATIC = "automatic", _("Automatic check")


MEMBER_FLAG_REASONS = [choice for choice in FlagReason.choices if choice[0] != "automatic"]


class FlagState(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Flag(models.Model):
    """A member (or auto-moderation, with no flagger) telling moderators about something.

    The target is generic so reviews, ideas and other apps can be flagged without changes here.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    review_item = models.ForeignKey(
        "ReviewItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    text = models.CharField(_("details"), max_length=1000, blank=True)
    weight = models.FloatField(default=1.0)
    state = models.CharField(max_length=10, choices=FlagState.choices, default=FlagState.OPEN)
    # Makes automatic flags idempotent: one per activity that raised it.
    source_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "target_type", "target_id"],
                condition=Q(flagger__isnull=False),
                name="flag_target_once_per_member",
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id", "state"])]

    def __str__(self) -> str:
        return f"{self.reason} on {self.target_type_id}:{self.target_id}"


class ReviewState(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    RESOLVED = "resolved", _("Resolved")


class ReviewItem(models.Model):
    """One thing waiting in the moderation queue, whatever brought it there (flags,
    pre-moderation, auto-moderation). At most one open item per target."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # Denormalised for the queue page: fetched with select_related, no generic lookups.
    post = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The member whose content (or who) is under review."),
    )
    space = models.ForeignKey(
        "community.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    reasons = models.JSONField(default=list, blank=True)
    flag_weight = models.FloatField(default=0.0)
    flag_count = models.PositiveIntegerField(default=0)
    toxicity = models.FloatField(null=True, blank=True)
    spam_score = models.FloatField(null=True, blank=True)
    is_premoderation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(state="open"),
                name="one_open_review_per_target",
            )
        ]
        indexes = [models.Index(fields=["state", "space", "created_at"])]

    def __str__(self) -> str:
        return f"review of {self.target_type_id}:{self.target_id} ({self.state})"


class PostState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    HIDDEN = "hidden", _("Hidden pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


HIDDEN_POST_STATES = (PostState.PENDING, PostState.HIDDEN, PostState.REJECTED)
# What an author still sees of their own posts: held for approval or hidden on flags, with a
# marker. Rejected posts are gone for everyone but moderators (the author was told why).
OWN_VISIBLE_HIDDEN_STATES = (PostState.PENDING, PostState.HIDDEN)


class ModeratedPost(models.Model):
    """A post moderation has touched. Pending, hidden and rejected posts are not shown."""

    post = models.OneToOneField(
        "community.Post", on_delete=models.CASCADE, related_name="moderation"
    )
    topic = models.ForeignKey("community.Topic", on_delete=models.CASCADE, related_name="+")
    is_opening_post = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=PostState.choices)
    # The activity a pre-moderated post would have logged; logged when it is approved.
    deferred_activity = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("moderated post")
        verbose_name_plural = _("moderated posts")
        indexes = [
            models.Index(fields=["topic", "state"]),
            models.Index(
                fields=["topic"],
                condition=Q(is_opening_post=True, state__in=["pending", "hidden", "rejected"]),
                name="hidden_topic_openings",
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id}: {self.state}"

    @property
    def is_hidden(self) -> bool:
        return self.state in HIDDEN_POST_STATES


class TopicSlowMode(models.Model):
    """One post per member per `seconds` in a heated topic (moderators are exempt)."""

    topic = models.OneToOneField(
        "community.Topic", on_delete=models.CASCADE, related_name="slow_mode"
    )
    seconds = models.PositiveIntegerField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("slow mode")
        verbose_name_plural = _("slow modes")

    def __str__(self) -> str:
        return f"topic {self.topic_id}: one post per {self.seconds}s"


class TopicRedirect(models.Model):
    """A topic merged into another: its old address leads to the topic it became part of."""

    from_topic = models.OneToOneField(
        "community.Topic", on_delete=models.CASCADE, related_name="redirect"
    )
    to_topic = models.ForeignKey("community.Topic", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.from_topic_id} → {self.to_topic_id}"


# ---------------------------------------------------------------- sanctions and appeals


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    SILENCE = "silence", _("Silence (cannot post)")
    SUSPENSION = "suspension", _("Suspension (cannot sign in)")
    BAN = "ban", _("Ban")


POSTING_BLOCKED_BY = (SanctionKind.SILENCE, SanctionKind.SUSPENSION, SanctionKind.BAN)
SIGN_IN_BLOCKED_BY = (SanctionKind.SUSPENSION, SanctionKind.BAN)


class SanctionQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Not revoked and not yet over (a ban, or a sanction with no end, never ends)."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=at).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=at)
        )


class Sanction(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SanctionKind.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "kind", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="sanction_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}"


class AppealState(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    GRANTED = "granted", _("Granted: the sanction was lifted")
    DENIED = "denied", _("Denied")


class Appeal(models.Model):
    sanction = models.OneToOneField(Sanction, on_delete=models.CASCADE, related_name="appeal")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    text = models.TextField(_("your appeal"), max_length=4000)
    state = models.CharField(max_length=10, choices=AppealState.choices, default="pending")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"appeal of sanction {self.sanction_id} ({self.state})"


# ---------------------------------------------------------------- audit log and notices


class ActionKind(models.TextChoices):
    FLAG_HIDE = "flag_hide", _("Hidden by flags")
    AUTO_HIDE = "auto_hide", _("Hidden by auto-moderation")
    AUTO_FLAG = "auto_flag", _("Flagged by auto-moderation")
    PREMODERATE = "premoderate", _("Held for pre-moderation")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    EDIT = "edit", _("Edited")
    DELETE = "delete", _("Deleted")
    MOVE = "move", _("Moved topic")
    MERGE = "merge", _("Merged topics")
    SLOW_MODE = "slow_mode", _("Set slow mode")
    LOCK = "lock", _("Locked topic")
    UNLOCK = "unlock", _("Unlocked topic")
    DISMISS = "dismiss", _("Dismissed flags")
    SANCTION = "sanction", _("Issued a sanction")
    REVOKE_SANCTION = "revoke_sanction", _("Lifted a sanction")
    APPEAL_DECIDED = "appeal_decided", _("Decided an appeal")
    GUIDELINES = "guidelines", _("Published guidelines")
    WORD_LIST = "word_list", _("Changed a word list")


class ModerationAction(models.Model):
    """The audit log: every moderation action, by whom (none: automatic), on what, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=200, blank=True)
    space = models.ForeignKey(
        "community.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id or 'system'} on {self.target_repr}"


class ModerationNotice(models.Model):
    """What moderation told a member, with the reason: listed on /moderation/notices/."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_notices"
    )
    action = models.ForeignKey(ModerationAction, on_delete=models.CASCADE, related_name="+")
    sanction = models.ForeignKey(
        Sanction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return f"notice for {self.recipient_id}: {self.summary}"


# ---------------------------------------------------------------- word lists


class WordListKind(models.TextChoices):
    BLOCKED_WORDS = "words", _("Blocked words (one per line; end with * for a stem)")
    BLOCKED_PATTERNS = "patterns", _("Blocked regular expressions (one per line)")


class WordList(models.Model):
    """Staff-edited blocked words or patterns, added to the shipped lists in lexicons/."""

    name = models.CharField(_("name"), max_length=80)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Leave empty to check posts in every language."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=WordListKind.choices)
    entries = models.TextField(_("entries"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("word list")
        verbose_name_plural = _("word lists")
        ordering = ["language", "name"]

    def __str__(self) -> str:
        return self.name

    def entry_lines(self) -> list[str]:
        return [
            line.strip()
            for line in self.entries.splitlines()
            if line.strip() and not line.strip().startswith("#")
        ]
