"""Every write about polls and surveys: adding a poll to a topic (or starting a topic with
one), voting, closing; creating, opening (inviting the segment), answering and closing a
survey. Votes and answers are recorded once in the Activity log (poll_voted,
survey_answered); the database enforces one vote and one response per member."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.community import services as community_services
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.markup import render_markdown
from flywheel.core.models import Verb
from flywheel.core.ratelimit import check_action_rate_limit, check_rate_limit
from flywheel.core.services import record_activity
from flywheel.notifications.models import NotificationKind
from flywheel.notifications.services import notify_member
from flywheel.surveys import permissions
from flywheel.surveys.models import (
    CHOICE_KINDS,
    SCALES,
    Poll,
    PollBallot,
    PollChoice,
    PollOption,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from flywheel.surveys.segments import segment_member_ids

logger = logging.getLogger(__name__)

QUESTION_MAX = 300
OPTION_MAX = 200
MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_QUESTIONS = 30
TEXT_ANSWER_MAX = 5000
INTRO_MAX = 5000

# ------------------------------------------------------------------------------------ polls


def _clean_poll(
    *, question: str, options: Sequence[str], closes_at: datetime | None, now: datetime
) -> tuple[str, list[str]]:
    question = (question or "").strip()
    if not question:
        raise InvalidInput(_("Ask the poll's question."), field="question")
    if len(question) > QUESTION_MAX:
        raise InvalidInput(
            _("Keep the question under %(count)d characters.") % {"count": QUESTION_MAX},
            field="question",
        )
    labels = [(label or "").strip() for label in options or []]
    labels = [label for label in labels if label]
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        raise InvalidInput(
            _("Give the poll between %(min)d and %(max)d options.")
            % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
            field="options",
        )
    if any(len(label) > OPTION_MAX for label in labels):
        raise InvalidInput(
            _("Keep each option under %(count)d characters.") % {"count": OPTION_MAX},
            field="options",
        )
    if len({label.casefold() for label in labels}) != len(labels):
        raise InvalidInput(_("Each option must be different."), field="options")
    if closes_at is not None:
        if timezone.is_naive(closes_at):
            raise InvalidInput(_("Give the closing time with its time zone."), field="closes_at")
        if closes_at <= now:
            raise InvalidInput(_("The closing time must be in the future."), field="closes_at")
    return question, labels


@transaction.atomic
def add_poll(
    *,
    topic,
    by,
    question: str,
    options: Sequence[str],
    allows_multiple: bool = False,
    is_anonymous: bool = True,
    closes_at: datetime | None = None,
    at: datetime | None = None,
    enforce_rate_limit: bool = True,
) -> Poll:
    """Add a poll to a topic: its author or a moderator of its space, one poll per topic."""
    permissions.check_add_poll_permission(by, topic)
    now = at or timezone.now()
    question, labels = _clean_poll(question=question, options=options, closes_at=closes_at, now=now)
    if enforce_rate_limit:
        check_rate_limit(key=f"poll:{by.pk}")
    try:
        with transaction.atomic():
            poll = Poll.objects.create(
                topic=topic,
                question=question,
                allows_multiple=bool(allows_multiple),
                is_anonymous=bool(is_anonymous),
                closes_at=closes_at,
                created_by=by,
                created_at=now,
            )
    except IntegrityError:
        raise Conflict(_("This topic already has a poll."), field="question") from None
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=position)
        for position, label in enumerate(labels)
    )
    community_services.mark_topic_changed(topic_id=topic.pk)
    return poll


@transaction.atomic
def start_topic_with_poll(
    *,
    author,
    space,
    title: str,
    body: str,
    question: str,
    options: Sequence[str],
    allows_multiple: bool = False,
    is_anonymous: bool = True,
    closes_at: datetime | None = None,
    tags: list[str] | None = None,
    at: datetime | None = None,
    enforce_rate_limit: bool = True,
):
    """A new topic and its poll together: neither is written if either is refused."""
    now = at or timezone.now()
    # The poll is checked first, so a bad option does not spend the member's topic allowance.
    _clean_poll(question=question, options=options, closes_at=closes_at, now=now)
    topic = community_services.create_topic(
        author=author,
        space=space,
        title=title,
        body=body,
        tags=tags,
        at=at,
        enforce_rate_limit=enforce_rate_limit,
    )
    poll = add_poll(
        topic=topic,
        by=author,
        question=question,
        options=options,
        allows_multiple=allows_multiple,
        is_anonymous=is_anonymous,
        closes_at=closes_at,
        at=now,
        enforce_rate_limit=False,
    )
    return topic, poll


@transaction.atomic
def vote_in_poll(
    *,
    poll: Poll,
    voter,
    option_ids: Sequence[int],
    at: datetime | None = None,
    enforce_rate_limit: bool = True,
) -> PollBallot:
    """Vote once: one option, or several in a multiple-choice poll. Voting again with the
    same options changes nothing (idempotent); with other options it is refused, because a
    vote is final once the voter has seen the results."""
    permissions.check_vote_permission(voter, poll)
    now = at or timezone.now()
    chosen = sorted({int(option_id) for option_id in option_ids or []})
    if not chosen:
        raise InvalidInput(_("Choose an option."), field="options")
    if len(chosen) > 1 and not poll.allows_multiple:
        raise InvalidInput(_("This poll takes one choice."), field="options")
    known = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if known != set(chosen):
        raise InvalidInput(_("Choose among the poll's options."), field="options")
    existing = PollBallot.objects.filter(poll=poll, voter=voter).first()
    if existing is not None:
        return _same_ballot_or_conflict(existing, chosen)
    if enforce_rate_limit:
        check_action_rate_limit(member=voter, action="vote")
    try:
        with transaction.atomic():
            ballot = PollBallot.objects.create(poll=poll, voter=voter, created_at=now)
    except IntegrityError:
        # A second request of the same member won the race: the database kept one vote.
        return _same_ballot_or_conflict(PollBallot.objects.get(poll=poll, voter=voter), chosen)
    PollChoice.objects.bulk_create(
        PollChoice(ballot=ballot, option_id=option_id) for option_id in chosen
    )
    topic = poll.topic
    record_activity(
        actor=voter,
        verb=Verb.POLL_VOTED,
        target=poll,
        space=topic.space,
        # What was chosen stays out of the log for anonymous polls.
        payload={"topic": topic.pk}
        if poll.is_anonymous
        else {"topic": topic.pk, "options": chosen},
        dedupe_key=f"poll_voted:{poll.pk}:{voter.pk}",
        at=now,
    )
    community_services.mark_topic_changed(topic_id=topic.pk)
    return ballot


def _same_ballot_or_conflict(ballot: PollBallot, chosen: list[int]) -> PollBallot:
    already = sorted(ballot.choices.values_list("option_id", flat=True))
    if already != chosen:
        raise Conflict(_("You already voted in this poll."), field="options")
    return ballot


@transaction.atomic
def close_poll(*, poll: Poll, by, at: datetime | None = None) -> Poll:
    """Close the poll now (its author or a moderator); results then show to everyone."""
    permissions.check_add_poll_permission(by, poll.topic)
    now = at or timezone.now()
    if poll.is_closed(at=now):
        return poll
    poll.closes_at = now
    poll.save(update_fields=["closes_at"])
    community_services.mark_topic_changed(topic_id=poll.topic_id)
    return poll


# ------------------------------------------------------------------------------------ surveys


@dataclass(frozen=True)
class QuestionSpec:
    """One question as staff write it: `choices` only for single and multiple choice."""

    kind: str
    prompt: str
    choices: list[str] = field(default_factory=list)
    required: bool = True


def _clean_questions(questions: Sequence[QuestionSpec]) -> list[QuestionSpec]:
    if not questions:
        raise InvalidInput(_("Add at least one question."), field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(
            _("A survey has at most %(count)d questions.") % {"count": MAX_QUESTIONS},
            field="questions",
        )
    cleaned = []
    for spec in questions:
        if spec.kind not in QuestionKind.values:
            raise InvalidInput(_("Unknown question kind."), field="questions")
        prompt = (spec.prompt or "").strip()
        if not prompt or len(prompt) > QUESTION_MAX:
            raise InvalidInput(
                _("Each question needs a text under %(count)d characters.")
                % {"count": QUESTION_MAX},
                field="questions",
            )
        choices: list[str] = []
        if spec.kind in CHOICE_KINDS:
            choices = [(choice or "").strip() for choice in spec.choices]
            choices = [choice for choice in choices if choice]
            if not MIN_OPTIONS <= len(choices) <= MAX_OPTIONS or any(
                len(choice) > OPTION_MAX for choice in choices
            ):
                raise InvalidInput(
                    _("A choice question needs between %(min)d and %(max)d options.")
                    % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
                    field="questions",
                )
        cleaned.append(
            QuestionSpec(kind=spec.kind, prompt=prompt, choices=choices, required=spec.required)
        )
    return cleaned


@transaction.atomic
def create_survey(
    *,
    by,
    title: str,
    questions: Sequence[QuestionSpec],
    intro: str = "",
    segment: str = "everyone",
    is_anonymous: bool = False,
    closes_at: datetime | None = None,
    at: datetime | None = None,
) -> Survey:
    """A draft survey (the brand team). Nobody sees it until it is opened."""
    permissions.check_survey_staff_permission(by)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("Give the survey a title under 200 characters."), field="title")
    intro = (intro or "").strip()
    if len(intro) > INTRO_MAX:
        raise InvalidInput(
            _("Keep the introduction under %(count)d characters.") % {"count": INTRO_MAX},
            field="intro",
        )
    if segment_member_ids(segment) is None:
        raise InvalidInput(_("Choose who the survey is for."), field="segment")
    if closes_at is not None and timezone.is_naive(closes_at):
        raise InvalidInput(_("Give the closing time with its time zone."), field="closes_at")
    cleaned = _clean_questions(questions)
    survey = Survey.objects.create(
        title=title,
        intro=intro,
        intro_html=render_markdown(intro) if intro else "",
        segment=segment,
        is_anonymous=bool(is_anonymous),
        closes_at=closes_at,
        created_by=by,
        created_at=at or timezone.now(),
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey,
            position=position,
            kind=spec.kind,
            prompt=spec.prompt,
            choices=spec.choices,
            required=spec.required,
        )
        for position, spec in enumerate(cleaned)
    )
    return survey


@transaction.atomic
def open_survey(*, survey: Survey, by, at: datetime | None = None, email: bool = True) -> int:
    """Open the survey and invite its segment; answers the number of members newly invited.

    Opening again (after new members joined the segment) invites only those not invited yet:
    the invitation is unique per member, so nobody is asked twice. `email` False sends the
    bell notifications only (the demo replaying history)."""
    permissions.check_survey_staff_permission(by)
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status == SurveyStatus.CLOSED:
        raise Conflict(_("This survey is closed."), field="status")
    now = at or timezone.now()
    if locked.status == SurveyStatus.DRAFT:
        locked.status = SurveyStatus.OPEN
        locked.opened_at = now
        locked.save(update_fields=["status", "opened_at"])
    survey.status, survey.opened_at = locked.status, locked.opened_at
    return _invite_segment(survey=locked, by=by, now=now, email=email)


def _invite_segment(*, survey: Survey, by, now: datetime, email: bool) -> int:
    member_ids = segment_member_ids(survey.segment)
    if member_ids is None:
        raise InvalidInput(_("This survey's segment no longer exists."), field="segment")
    already = SurveyInvitation.objects.filter(survey=survey).values("member_id")
    new_ids = list(member_ids.exclude(pk__in=already).order_by("pk").values_list("pk", flat=True))
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(survey=survey, member_id=member_id, invited_at=now)
            for member_id in new_ids
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    for member_id in new_ids:
        notify_member(
            recipient_id=member_id,
            kind=NotificationKind.SURVEY_INVITED,
            actor_id=by.pk,
            at=now,
        )
    if new_ids and email:
        from flywheel.surveys.tasks import email_survey_invitations

        transaction.on_commit(lambda: email_survey_invitations.delay(survey.pk), robust=True)
    return len(new_ids)


@transaction.atomic
def close_survey(*, survey: Survey, by, at: datetime | None = None) -> Survey:
    permissions.check_survey_staff_permission(by)
    survey.status = SurveyStatus.CLOSED
    survey.closes_at = survey.closes_at or (at or timezone.now())
    survey.save(update_fields=["status", "closes_at"])
    return survey


def _clean_answer(question: SurveyQuestion, raw) -> dict | None:
    """The answer's stored fields, or None when the question was left blank."""
    field_name = f"question_{question.pk}"
    values = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
    values = [value for value in values if value not in (None, "")]
    if not values:
        if question.required:
            raise InvalidInput(_("Answer this question."), field=field_name)
        return None
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        try:
            score = int(values[0])
        except (TypeError, ValueError):
            score = None
        if len(values) != 1 or score is None or not low <= score <= high:
            raise InvalidInput(
                _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
                field=field_name,
            )
        return {"score": score}
    if question.kind in CHOICE_KINDS:
        try:
            indexes = sorted({int(value) for value in values})
        except (TypeError, ValueError):
            indexes = [-1]
        if any(not 0 <= index < len(question.choices) for index in indexes):
            raise InvalidInput(_("Choose among the options."), field=field_name)
        if question.kind == QuestionKind.SINGLE and len(indexes) != 1:
            raise InvalidInput(_("Choose one option."), field=field_name)
        return {"choices": indexes}
    text = str(values[0]).strip()
    if "\x00" in text:
        raise InvalidInput(_("This text cannot be stored."), field=field_name)
    if len(text) > TEXT_ANSWER_MAX:
        raise InvalidInput(
            _("Keep the answer under %(count)d characters.") % {"count": TEXT_ANSWER_MAX},
            field=field_name,
        )
    if not text:
        if question.required:
            raise InvalidInput(_("Answer this question."), field=field_name)
        return None
    return {"text": text}


@transaction.atomic
def answer_survey(
    *,
    survey: Survey,
    member,
    answers: Mapping[int, object],
    at: datetime | None = None,
    enforce_rate_limit: bool = True,
) -> SurveyResponse:
    """An invited member answers an open survey, once. `answers` maps question ids to a score,
    option indexes or text; every required question must be answered."""
    if not permissions.is_invited(member, survey):
        raise PermissionDenied(_("This survey is for invited members."))
    now = at or timezone.now()
    if not survey.is_accepting_answers(at=now):
        raise Conflict(_("This survey is not taking answers."), field="survey")
    if SurveyResponse.objects.filter(survey=survey, respondent=member).exists():
        raise Conflict(_("You already answered this survey."), field="survey")
    questions = list(survey.questions.all())
    cleaned = {
        question.pk: _clean_answer(question, answers.get(question.pk)) for question in questions
    }
    if enforce_rate_limit:
        check_action_rate_limit(member=member, action="survey_answer")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, respondent=member, submitted_at=now
            )
    except IntegrityError:
        raise Conflict(_("You already answered this survey."), field="survey") from None
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=question_id, **fields)
        for question_id, fields in cleaned.items()
        if fields is not None
    )
    record_activity(
        actor=member,
        verb=Verb.SURVEY_ANSWERED,
        target=survey,
        payload={"survey": survey.pk},
        dedupe_key=f"survey_answered:{survey.pk}:{member.pk}",
        at=now,
    )
    return response
