"""Product trials: tester programmes for new products (docs/trials.md).

Staff open a trial for a store product with a number of places, a target segment (a trust
level and/or a VIP tier; neither means any member), an application question and two dates.
Members who qualify apply once; staff select testers by hand or draw them at random from a
stored seed; selected testers are followed through shipped → received → feedback given, and
owe a review of the product (or an answer to the trial's survey) by the feedback date."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flywheel.core.models import Verb

# The activities trials log (rewards and badges may award points for them).
TRIAL_APPLIED = Verb.TRIAL_APPLIED
TRIAL_SELECTED = Verb.TRIAL_SELECTED
TRIAL_FEEDBACK_GIVEN = Verb.TRIAL_FEEDBACK_GIVEN


class TrialState(models.TextChoices):
    OPEN = "open", _("Open")
    CANCELLED = "cancelled", _("Cancelled")


class Trial(models.Model):
    product = models.ForeignKey(
        "commerce.Product",
        on_delete=models.PROTECT,
        related_name="trials",
        verbose_name=_("product"),
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    places = models.PositiveIntegerField(_("places"))
    # The target segment. 0 and no tier: any member.
    min_trust_level = models.PositiveSmallIntegerField(_("lowest trust level"), default=0)
    min_tier = models.ForeignKey(
        "rewards.Tier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lowest VIP tier"),
    )
    question = models.CharField(_("application question"), max_length=300)
    apply_by = models.DateTimeField(_("apply by"))
    feedback_due = models.DateTimeField(_("feedback due"))
    # Optional: an answer to this survey counts as feedback, as a review of the product does.
    survey = models.ForeignKey(
        "surveys.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("survey"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=TrialState.choices, default=TrialState.OPEN
    )
    # The last random draw: the seed makes it reproducible (docs/trials.md).
    draw_seed = models.CharField(_("draw seed"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("product trial")
        verbose_name_plural = _("product trials")
        ordering = ["-apply_by", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="trials_places_positive"),
            models.CheckConstraint(
                condition=Q(feedback_due__gt=F("apply_by")), name="trials_feedback_after_apply"
            ),
            models.CheckConstraint(
                condition=Q(min_trust_level__lte=4), name="trials_trust_level_0_to_4"
            ),
        ]
        indexes = [models.Index(fields=["state", "apply_by"], name="trials_open_by_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trials:detail", args=[self.pk])

    def takes_applications(self, now=None) -> bool:
        return self.state == TrialState.OPEN and (now or timezone.now()) <= self.apply_by

    @property
    def is_any_member(self) -> bool:
        return self.min_trust_level == 0 and self.min_tier_id is None


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Stage(models.TextChoices):
    """Where a selected tester is (derived from the dates, never stored)."""

    SELECTED = "selected", _("Selected")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Feedback due")
    OVERDUE = "overdue", _("Feedback overdue")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")


class FeedbackKind(models.TextChoices):
    REVIEW = "review", _("Review")
    SURVEY = "survey", _("Survey")


class Application(models.Model):
    """A member's application to a trial; one per member and trial (a withdrawn one stays, so
    nobody applies twice). Selected applications are the trial's testers."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="applications")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trial_applications"
    )
    answer = models.TextField(_("answer"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
    )
    applied_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    selected_at = models.DateTimeField(null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    selected_by_draw = models.BooleanField(default=False)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    feedback_given_at = models.DateTimeField(null=True, blank=True)
    feedback_kind = models.CharField(max_length=10, choices=FeedbackKind.choices, blank=True)
    # The review that counted (reviews app) and its rating, kept for the results page.
    feedback_review_id = models.BigIntegerField(null=True, blank=True)
    feedback_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    # The two reminder e-mails, each sent once (services.send_feedback_reminders).
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trial application")
        verbose_name_plural = _("trial applications")
        ordering = ["applied_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "member"], name="trials_one_application_per_member"
            )
        ]
        indexes = [models.Index(fields=["trial", "status"], name="trials_app_by_status")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.trial_id} ({self.status})"

    @property
    def is_tester(self) -> bool:
        return self.status == ApplicationStatus.SELECTED

    def stage(self, now=None) -> str | None:
        if self.status != ApplicationStatus.SELECTED:
            return None
        if self.feedback_given_at is not None:
            return Stage.FEEDBACK_GIVEN
        if (now or timezone.now()) > self.trial.feedback_due:
            return Stage.OVERDUE
        if self.received_at is not None:
            return Stage.RECEIVED
        if self.shipped_at is not None:
            return Stage.SHIPPED
        return Stage.SELECTED

    def stage_label(self, now=None) -> str:
        stage = self.stage(now)
        return Stage(stage).label if stage else self.get_status_display()
