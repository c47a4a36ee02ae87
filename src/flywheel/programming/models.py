"""The content calendar: posts and announcements the brand team plans, labels and schedules.

A scheduled item becomes a community topic once, at its time, through community's
create_topic as its author (programming/services.py, publish_due_calendar_items)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flywheel.community.models import TopicKind


class CalendarLabel(models.TextChoices):
    """What an item gives the community. Everything but promotional is "value" content."""

    EDUCATIONAL = "educational", _("Educational")
    INSPIRATIONAL = "inspirational", _("Inspirational")
    INTERACTIVE = "interactive", _("Interactive")
    MEMBER_SPOTLIGHT = "member_spotlight", _("Member spotlight")
    UGC = "ugc", _("User-generated content")
    PROMOTIONAL = "promotional", _("Promotional")


class CalendarItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


# Only discussions and announcements are planned; questions come from members.
CALENDAR_KINDS = (TopicKind.DISCUSSION, TopicKind.ANNOUNCEMENT)


class CalendarItem(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_items"
    )
    space = models.ForeignKey(
        "community.Space", on_delete=models.CASCADE, related_name="calendar_items"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown"))
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=[(kind.value, kind.label) for kind in CALENDAR_KINDS],
        default=TopicKind.DISCUSSION,
    )
    label = models.CharField(_("label"), max_length=20, choices=CalendarLabel.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CalendarItemState.choices,
        default=CalendarItemState.DRAFT,
    )
    scheduled_at = models.DateTimeField(_("scheduled for"))
    topic = models.ForeignKey(
        "community.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [
            models.Index(fields=["state", "scheduled_at"], name="calendar_due_idx"),
            models.Index(fields=["scheduled_at"], name="calendar_month_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="calendar_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state != CalendarItemState.PUBLISHED
