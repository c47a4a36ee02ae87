"""Trust levels 0–4, the rules for reaching them, and the reading/visiting they are earned by.

Levels work like Discourse's: 0 new, 1 basic, 2 member and 3 regular are reached automatically
(a periodic task compares each member's figures with TrustLevelRequirement); 3 is lost again
when the figures lapse; 4 (leader) is given by staff only. Staff may also lock a member at a
level, which the task then leaves alone.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustLevel(models.IntegerChoices):
    NEW = 0, _("New")
    BASIC = 1, _("Basic")
    MEMBER = 2, _("Member")
    REGULAR = 3, _("Regular")
    LEADER = 4, _("Leader")


class TrustLevelRequirement(models.Model):
    """What it takes to reach `level`, and what members at `level` may do.

    Minimums ("at least") count over the last `window_days` (0: since joining); maximums
    ("at most": refunds, upheld flags, sanctions) count over the same window, and an empty
    maximum means "no limit". Level 0's requirements are ignored (everyone starts there) and
    level 4's too (leaders are chosen by staff).
    """

    level = models.PositiveSmallIntegerField(_("level"), choices=TrustLevel.choices, unique=True)
    window_days = models.PositiveIntegerField(
        _("counted over the last (days)"), default=0, help_text=_("0 counts since joining.")
    )
    # Requirements to reach the level.
    days_since_joined = models.PositiveIntegerField(_("days since joining"), default=0)
    days_visited = models.PositiveIntegerField(_("days visited"), default=0)
    topics_entered = models.PositiveIntegerField(_("topics entered"), default=0)
    posts_read = models.PositiveIntegerField(_("posts read"), default=0)
    replies = models.PositiveIntegerField(_("replies written"), default=0)
    likes_given = models.PositiveIntegerField(_("reactions given"), default=0)
    likes_received = models.PositiveIntegerField(_("reactions received"), default=0)
    verified_purchases = models.PositiveIntegerField(_("verified purchases"), default=0)
    reviews = models.PositiveIntegerField(_("reviews written"), default=0)
    max_refunds = models.PositiveIntegerField(_("at most refunds"), null=True, blank=True)
    max_upheld_flags = models.PositiveIntegerField(
        _("at most upheld flags against the member"), null=True, blank=True
    )
    max_sanctions = models.PositiveIntegerField(
        _("at most sanctions (suspensions, silences)"), null=True, blank=True
    )
    # What the level unlocks.
    max_links_per_post = models.PositiveIntegerField(
        _("links allowed per post"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    images_allowed = models.BooleanField(_("images allowed in posts"), default=True)
    daily_post_limit = models.PositiveIntegerField(
        _("posts per day"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    flag_weight = models.DecimalField(
        _("weight of a flag"), max_digits=4, decimal_places=2, default=1
    )
    can_edit_wiki = models.BooleanField(_("may edit wiki posts"), default=False)

    class Meta:
        verbose_name = _("trust level requirement")
        verbose_name_plural = _("trust level requirements")
        ordering = ["level"]

    def __str__(self) -> str:
        return str(TrustLevel(self.level).label)


class MemberTrust(models.Model):
    """A member's current level. Members without a row are at level 0."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    locked_level = models.PositiveSmallIntegerField(
        _("locked at level"),
        choices=TrustLevel.choices,
        null=True,
        blank=True,
        help_text=_("Set by staff; automatic promotion and demotion leave a locked member alone."),
    )
    level_changed_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member trust level")
        verbose_name_plural = _("member trust levels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__lte=4), name="trust_level_between_0_and_4"
            ),
            models.CheckConstraint(
                condition=models.Q(locked_level__isnull=True) | models.Q(locked_level__lte=4),
                name="trust_locked_level_between_0_and_4",
            ),
        ]
        indexes = [models.Index(fields=["level"])]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.effective_level}"

    @property
    def effective_level(self) -> int:
        return self.locked_level if self.locked_level is not None else self.level


class ChangeReason(models.TextChoices):
    PROMOTED = "promoted", _("Promoted")
    DEMOTED = "demoted", _("Demoted")
    LOCKED = "locked", _("Locked by staff")
    UNLOCKED = "unlocked", _("Unlocked by staff")


class TrustLevelChange(models.Model):
    """The history of a member's level: every promotion, demotion and staff decision."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_changes"
    )
    from_level = models.PositiveSmallIntegerField(choices=TrustLevel.choices)
    to_level = models.PositiveSmallIntegerField(choices=TrustLevel.choices)
    reason = models.CharField(max_length=20, choices=ChangeReason.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("trust level change")
        verbose_name_plural = _("trust level changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_level} → {self.to_level}"


class MemberVisit(models.Model):
    """One row per member per (UTC) day on which they opened a page."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visits"
    )
    date = models.DateField()

    class Meta:
        verbose_name = _("member visit")
        verbose_name_plural = _("member visits")
        constraints = [
            models.UniqueConstraint(fields=["member", "date"], name="one_visit_per_member_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date}"


class TopicRead(models.Model):
    """How far a member has read a topic: the highest post number shown to them."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_reads"
    )
    topic = models.ForeignKey("community.Topic", on_delete=models.CASCADE, related_name="+")
    last_post_number = models.PositiveIntegerField(default=0)
    first_read_at = models.DateTimeField()
    last_read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("topic read")
        verbose_name_plural = _("topic reads")
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], name="one_read_mark_per_topic")
        ]
        indexes = [models.Index(fields=["member", "last_read_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.topic_id} to #{self.last_post_number}"
