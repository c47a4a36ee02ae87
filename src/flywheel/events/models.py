"""Events: AMAs, Q&As, workshops, meetups, product launches and live streams, with RSVPs, a
waitlist, reminders, AMA questions, check-in, and local chapters (docs/events.md).

Times are aware UTC in the database; pages show them in each viewer's time zone (the
accounts middleware activates it), e-mails in the recipient's."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flywheel.core.models import Verb

# The names of the activities events log (rewards and badges read them; the default point
# rules already wait for event_attended).
EVENT_REGISTERED = Verb.EVENT_REGISTERED
EVENT_ATTENDED = Verb.EVENT_ATTENDED

CHECK_IN_CODE_LENGTH = 6
# No 0/O, 1/I/L: a code read out on a live stream must be typed back without doubt.
CHECK_IN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


class EventKind(models.TextChoices):
    AMA = "ama", _("AMA")
    QA = "qa", _("Q&A")
    WORKSHOP = "workshop", _("Workshop")
    MEETUP = "meetup", _("Meetup")
    LAUNCH = "launch", _("Product launch")
    LIVESTREAM = "livestream", _("Live stream")


# Kinds whose page takes questions from members before and during the event (AMA mode).
QUESTION_KINDS = (EventKind.AMA, EventKind.QA)


class EventFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")


class EventState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Chapter(models.Model):
    """A local city group with its own meetups, run by organisers drawn from trusted members."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100, blank=True)
    # The city's zone: the chapter page shows its meetups in local time for visitors.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:chapter", args=[self.slug])


class ChapterRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ORGANISER = "organiser", _("Organiser")


class ChapterMembership(models.Model):
    """A member in a chapter; organisers are memberships with the organiser role."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapter_memberships"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=ChapterRole.choices, default=ChapterRole.MEMBER
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chapter membership")
        verbose_name_plural = _("chapter memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "member"], name="events_one_membership_per_chapter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.chapter_id} ({self.role})"


class EventQuerySet(models.QuerySet):
    def scheduled(self) -> "EventQuerySet":
        return self.filter(state=EventState.SCHEDULED)

    def upcoming(self, now=None) -> "EventQuerySet":
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None) -> "EventQuerySet":
        return self.filter(ends_at__lt=now or timezone.now())


class Event(models.Model):
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    format = models.CharField(_("format"), max_length=10, choices=EventFormat.choices)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # The zone the organisers planned in (the venue's, for in-person events): shown to
    # visitors who are not signed in, and next to each member's own.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Where to watch or join online (a live stream, a video call).
    online_url = models.URLField(_("link"), max_length=500, blank=True)
    # None: no limit. The waitlist takes whoever comes past it.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
        verbose_name=_("host"),
    )
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("chapter"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=EventState.choices, default=EventState.SCHEDULED
    )
    check_in_code = models.CharField(max_length=12, default=new_check_in_code)
    going_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    attended_count = models.PositiveIntegerField(default=0)
    question_count = models.PositiveIntegerField(default=0)
    # Bumped by every write the live page shows (questions, votes, answers): the polling
    # fragment answers "nothing new" cheaply while it is unchanged.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_capacity_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "starts_at"], name="events_by_start"),
            models.Index(fields=["chapter", "starts_at"], name="events_chapter_by_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk, self.slug or "event"])

    @property
    def takes_questions(self) -> bool:
        return self.kind in QUESTION_KINDS

    @property
    def is_cancelled(self) -> bool:
        return self.state == EventState.CANCELLED

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now <= self.ends_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) > self.ends_at

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.going_count)


class RegistrationStatus(models.TextChoices):
    GOING = "going", _("Going")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """A member's RSVP: going, on the waitlist (in `requested_at` order) or cancelled.

    One row per member and event; cancelling and registering again reuses it (and joins the
    back of the waitlist when the event is full)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    requested_at = models.DateTimeField()
    # When the seat became theirs (at once, or on promotion from the waitlist): reminders are
    # for windows that open after this.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], name="events_one_registration_per_member"
            )
        ]
        indexes = [
            models.Index(fields=["event", "status", "requested_at"], name="events_reg_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.event_id} ({self.status})"


class QuestionState(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    DISMISSED = "dismissed", _("Dismissed")


class Question(models.Model):
    """A member's question for an AMA or Q&A; the host answers them in vote order."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_questions",
    )
    body = models.TextField(_("question"))
    body_html = models.TextField(blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    vote_count = models.PositiveIntegerField(default=0)
    answer = models.TextField(_("answer"), blank=True)
    answer_html = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-vote_count", "created_at", "id"]
        indexes = [
            models.Index(fields=["event", "state", "-vote_count"], name="events_question_queue"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("question vote")
        verbose_name_plural = _("question votes")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "member"], name="events_one_vote_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.question_id}"
