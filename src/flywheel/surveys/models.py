"""Polls inside topics and surveys for members (docs/surveys.md).

One vote per member per poll and one response per member per survey are unique constraints:
the database refuses a second one whatever the code does. Results are counted from the rows
(one grouped query each), so no counter can drift."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# ------------------------------------------------------------------------------------ polls


class Poll(models.Model):
    """A question in a topic, with 2–10 options. Closes at `closes_at` (or never)."""

    topic = models.OneToOneField(
        "community.Topic", on_delete=models.CASCADE, related_name="+", verbose_name=_("topic")
    )
    question = models.CharField(_("question"), max_length=300)
    allows_multiple = models.BooleanField(
        _("several answers allowed"), default=False, help_text=_("Voters may pick several.")
    )
    # Anonymous: results show counts only. Otherwise they also show who chose each option.
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question

    def is_closed(self, *, at=None) -> bool:
        return self.closes_at is not None and self.closes_at <= (at or timezone.now())


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position_once")
        ]

    def __str__(self) -> str:
        return self.label


class PollBallot(models.Model):
    """A member's vote in a poll: one per member per poll (the database says so)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # Null once the voter's account was erased with "anonymise": the vote still counts.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    options = models.ManyToManyField(PollOption, through="PollChoice", related_name="+")
    created_at = models.DateTimeField(_("voted at"))

    class Meta:
        verbose_name = _("poll vote")
        verbose_name_plural = _("poll votes")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="poll_one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} in poll {self.poll_id}"


class PollChoice(models.Model):
    ballot = models.ForeignKey(PollBallot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        verbose_name = _("poll choice")
        verbose_name_plural = _("poll choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="poll_choice_once")
        ]

    def __str__(self) -> str:
        return f"ballot {self.ballot_id}: option {self.option_id}"


# ------------------------------------------------------------------------------------ surveys


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    """Questions for a segment of members (core.hooks.member_segments), who are invited when
    staff open it. Only invited members answer, once each."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    intro_html = models.TextField(blank=True, editable=False)
    segment = models.CharField(
        _("for"), max_length=100, default="everyone", help_text=_("Who is invited.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    # Answers name the member in the CSV unless the survey is anonymous.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_accepting_answers(self, *, at=None) -> bool:
        if self.status != SurveyStatus.OPEN:
            return False
        return self.closes_at is None or self.closes_at > (at or timezone.now())


class QuestionKind(models.TextChoices):
    NPS = "nps", _("Net Promoter Score (0–10)")
    CSAT = "csat", _("Satisfaction (1–5)")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


SCALES = {QuestionKind.NPS: (0, 10), QuestionKind.CSAT: (1, 5)}
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    prompt = models.CharField(_("question"), max_length=300)
    # The options of a choice question, in order (answers store their indexes).
    choices = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="survey_question_position_once"
            )
        ]

    def __str__(self) -> str:
        return self.prompt


class SurveyInvitation(models.Model):
    """A member of the survey's segment, asked to answer (bell entry, e-mail)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(_("invited at"))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "member"], name="survey_invite_once")
        ]
        indexes = [models.Index(fields=["member", "survey"])]

    def __str__(self) -> str:
        return f"{self.member_id} invited to survey {self.survey_id}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Null once the respondent's account was erased with "anonymise": the answers still count.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"], name="survey_one_response_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.respondent_id} answered survey {self.survey_id}"


class SurveyAnswer(models.Model):
    """One question answered: a score (NPS, CSAT), option indexes (choices) or text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    score = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=10),
                name="survey_answer_score_0_to_10",
            ),
        ]
        indexes = [models.Index(fields=["question", "score"])]

    def __str__(self) -> str:
        return f"response {self.response_id}: question {self.question_id}"
