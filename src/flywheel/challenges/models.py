"""Challenges: a goal over a period ("30 days outside", "5 outfits in a week") that members
join and check in to, at most once per day of their own calendar (docs/challenges.md).

A day is the member's local calendar day in their own time zone (accounts' `timezone`), so a
check-in at 23:30 and another at 00:30 in Los Angeles are two days, while the same two UTC
instants may be one day in Tokyo. The database holds the rule: one check-in per
(participation, day)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from flywheel.core.models import Verb

CHALLENGE_JOINED = Verb.CHALLENGE_JOINED
CHALLENGE_CHECKED_IN = Verb.CHALLENGE_CHECKED_IN
CHALLENGE_COMPLETED = Verb.CHALLENGE_COMPLETED


class Challenge(models.Model):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    description_html = models.TextField(blank=True)
    space = models.ForeignKey(
        "community.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="challenges",
        help_text=_("Optional: only members who may read the space see the challenge."),
    )
    # Calendar days, each read in the member's own time zone (first and last day included).
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    target_check_ins = models.PositiveIntegerField(_("check-ins to complete"))
    badge = models.ForeignKey(
        "badges.Badge", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept on the row so the list costs no query per card.
    participant_count = models.PositiveIntegerField(default=0)
    completed_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="challenge_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(target_check_ins__gte=1), name="challenge_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", args=[self.pk])

    @property
    def length_in_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Participation(models.Model):
    """A member in a challenge, with their counters kept up to date by each check-in."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="participations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_participations"
    )
    joined_at = models.DateTimeField()
    check_in_count = models.PositiveIntegerField(default=0)
    # Consecutive local days ending on last_check_in_day; read through current_streak_on()
    # since a missed day resets it without a write.
    streak = models.PositiveIntegerField(default=0)
    longest_streak = models.PositiveIntegerField(default=0)
    last_check_in_day = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("challenge participant")
        verbose_name_plural = _("challenge participants")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "member"], name="challenge_participation_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["challenge", "-check_in_count", "-longest_streak"],
                name="challenge_board_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.challenge_id}"

    def current_streak_on(self, today) -> int:
        """The streak as of the member's local `today`: alive while they checked in today or
        yesterday, 0 once a whole day was missed."""
        if self.last_check_in_day is None or (today - self.last_check_in_day).days > 1:
            return 0
        return self.streak


class CheckIn(models.Model):
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="check_ins"
    )
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="check_ins")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_check_ins"
    )
    # The member's local calendar day when they checked in.
    day = models.DateField()
    text = models.TextField(blank=True)
    text_html = models.TextField(blank=True)
    photo = models.ImageField(upload_to="challenges/", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("challenge check-in")
        verbose_name_plural = _("challenge check-ins")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "day"], name="challenge_check_in_once_a_day"
            ),
            models.CheckConstraint(
                condition=~models.Q(text="") | ~models.Q(photo=""),
                name="challenge_check_in_has_text_or_photo",
            ),
        ]
        indexes = [models.Index(fields=["challenge", "-created_at"], name="challenge_recent_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.day}"
