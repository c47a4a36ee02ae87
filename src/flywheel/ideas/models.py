"""The ideas portal (members propose products, others support them through timed milestones,
the brand reviews them in batches) and feedback boards (feature requests with votes, merges and
a public roadmap). docs/ideas.md tells the whole story."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    GAINING_SUPPORT = "gaining_support", _("Gaining support")
    EXPIRED = "expired", _("Expired")
    IN_REVIEW = "in_review", _("In review")
    ACCEPTED = "accepted", _("Accepted")
    IN_PRODUCTION = "in_production", _("In production")
    RELEASED = "released", _("Released")
    DECLINED = "declined", _("Declined")


# Members may support (and withdraw support from) ideas in these statuses only.
SUPPORTABLE_STATUSES = (IdeaStatus.NEW, IdeaStatus.GAINING_SUPPORT)

# Where staff may move an idea from each status (the milestone clock does the rest: new →
# gaining support → in review, and new/gaining support → expired).
STAFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    IdeaStatus.NEW: (IdeaStatus.IN_REVIEW, IdeaStatus.DECLINED),
    IdeaStatus.GAINING_SUPPORT: (IdeaStatus.IN_REVIEW, IdeaStatus.DECLINED),
    IdeaStatus.EXPIRED: (),
    IdeaStatus.IN_REVIEW: (IdeaStatus.ACCEPTED, IdeaStatus.DECLINED),
    IdeaStatus.ACCEPTED: (IdeaStatus.IN_PRODUCTION, IdeaStatus.DECLINED),
    IdeaStatus.IN_PRODUCTION: (IdeaStatus.RELEASED,),
    IdeaStatus.RELEASED: (),
    IdeaStatus.DECLINED: (),
}


class IdeaCategory(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("idea category")
        verbose_name_plural = _("idea categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ReviewPeriod(models.Model):
    """A review batch: ideas that reach the last milestone between starts_at and ends_at are
    decided together once it ends (FLYWHEEL_IDEAS_REVIEW_PERIOD_MONTHS long, from January)."""

    starts_at = models.DateTimeField(_("starts at"), unique=True)
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("review period")
        verbose_name_plural = _("review periods")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="ideas_period_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"


class IdeaQuerySet(models.QuerySet):
    def visible(self) -> "IdeaQuerySet":
        """Not hidden by moderation (flags past the threshold, or a moderator)."""
        return self.filter(hidden_at__isnull=True)


class Idea(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    category = models.ForeignKey(
        IdeaCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    description_html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    # The brand's reason, shown on the page of a declined idea.
    decline_reason = models.TextField(_("reason"), blank=True)
    # How many support milestones the idea reached, and until when it has to reach the next.
    milestones_reached = models.PositiveSmallIntegerField(default=0)
    window_ends_at = models.DateTimeField(null=True, blank=True)
    # Denormalised: every supporter, and those of them who are verified buyers.
    support_count = models.PositiveIntegerField(default=0)
    buyer_support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    image_count = models.PositiveSmallIntegerField(default=0)
    review_period = models.ForeignKey(
        ReviewPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="ideas"
    )
    qualified_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(buyer_support_count__lte=models.F("support_count")),
                name="ideas_buyers_among_supporters",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="ideas_declined_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-support_count"], name="ideas_status_support"),
            models.Index(fields=["status", "window_ends_at"], name="ideas_status_window"),
            models.Index(fields=["-created_at"], name="ideas_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    @property
    def is_supportable(self) -> bool:
        return self.status in SUPPORTABLE_STATUSES and self.hidden_at is None

    def weighted_support(self, weight: Decimal | None = None) -> Decimal:
        """Supporters with each verified buyer counting `weight` (FLYWHEEL_IDEAS_BUYER_WEIGHT)."""
        if weight is None:
            weight = Decimal(str(settings.FLYWHEEL_IDEAS_BUYER_WEIGHT))
        non_buyers = self.support_count - self.buyer_support_count
        return Decimal(non_buyers) + Decimal(self.buyer_support_count) * weight


def idea_image_path(instance, filename: str) -> str:
    return f"ideas/{instance.idea_id}/{filename}"


class IdeaImage(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=idea_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("idea image")
        verbose_name_plural = _("idea images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class Support(models.Model):
    """One member's support for one idea (the database refuses a second); withdrawn by
    deleting the row."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports"
    )
    # Decided when the support is given (a kept order in the store), as the weight it adds.
    verified_buyer = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    # "You asked, we built it": the e-mail went out (once).
    shipped_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"], name="ideas_one_support_per_member")
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="ideas_support_member"),
            # The idea page's latest supporters: a short index scan, however many there are.
            models.Index(fields=["idea", "-created_at", "-id"], name="ideas_support_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.idea_id}"


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idea comment")
        verbose_name_plural = _("idea comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"], name="ideas_comment_idea")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.idea_id}"


class IdeaStatusChange(models.Model):
    """The idea's history: every status it went through, who moved it (empty: the milestone
    clock) and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idea status change")
        verbose_name_plural = _("idea status changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"


class RewardKind(models.TextChoices):
    REVENUE_SHARE = "revenue_share", _("A share of sales")
    PERK = "perk", _("A perk")


class CreatorReward(models.Model):
    """What the brand gives the creator of an accepted idea (recorded, paid outside)."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="creator_reward")
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices)
    revenue_share_percent = models.DecimalField(
        _("share of sales (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("creator reward")
        verbose_name_plural = _("creator rewards")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="revenue_share")
                | Q(revenue_share_percent__gt=0, revenue_share_percent__lte=100),
                name="ideas_revenue_share_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.idea_id}"


# ---------------------------------------------------------------- feedback boards


class FeedbackBoard(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("feedback board")
        verbose_name_plural = _("feedback boards")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ideas:board", args=[self.slug])


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")


class FeatureRequest(models.Model):
    board = models.ForeignKey(FeedbackBoard, on_delete=models.CASCADE, related_name="requests")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("details"), blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    vote_count = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_requests"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("feature request")
        verbose_name_plural = _("feature requests")
        ordering = ["-vote_count", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="ideas_merged_request_names_its_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="ideas_request_not_merged_into_self"
            ),
        ]
        indexes = [
            models.Index(fields=["board", "status", "-vote_count"], name="ideas_request_board"),
            models.Index(fields=["status", "-updated_at"], name="ideas_request_roadmap"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:request", args=[self.pk])


class FeatureVote(models.Model):
    request = models.ForeignKey(FeatureRequest, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feature_votes"
    )
    created_at = models.DateTimeField()
    shipped_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feature vote")
        verbose_name_plural = _("feature votes")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "member"], name="ideas_one_vote_per_member_and_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.request_id}"
