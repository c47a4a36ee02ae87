"""Reads shared by the topic panel, the survey pages, the staff results and the API: poll
results, survey results with the NPS and CSAT scores, the CSV of answers. Each costs a fixed
number of queries, however many votes or answers there are."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

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
)

ONE_DECIMAL = Decimal("0.1")
VOTERS_SHOWN = 12
TEXT_ANSWERS_SHOWN = 50


def percent(part: int, whole: int) -> Decimal:
    """part / whole as a percentage with one decimal (0 when nothing was counted)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------------ polls


@dataclass
class OptionResult:
    option: PollOption
    votes: int
    percent: Decimal
    chosen: bool  # by the viewer
    voters: list[str] = field(default_factory=list)  # names, for polls that are not anonymous


@dataclass
class PollResults:
    poll: Poll
    options: list[OptionResult]
    voter_count: int
    has_voted: bool
    is_closed: bool
    can_vote: bool
    can_manage: bool

    @property
    def show_results(self) -> bool:
        """Results show after voting, once the poll closed, and to its author and moderators."""
        return self.has_voted or self.is_closed or self.can_manage


def poll_for_topic(topic) -> Poll | None:
    return Poll.objects.filter(topic=topic).first()


def poll_results(poll: Poll, *, viewer) -> PollResults:
    """Counts and percentages (of voters) per option, what the viewer chose and, for polls
    that are not anonymous, who chose what. Four queries (three for a signed-out viewer)."""
    options = list(
        PollOption.objects.filter(poll=poll).annotate(votes=Count("choices")).order_by("position")
    )
    voter_count = PollBallot.objects.filter(poll=poll).count()
    chosen: set[int] = set()
    if viewer.is_authenticated:
        chosen = set(
            PollChoice.objects.filter(ballot__poll=poll, ballot__voter=viewer).values_list(
                "option_id", flat=True
            )
        )
    voters: dict[int, list[str]] = {}
    if not poll.is_anonymous:
        # The first VOTERS_SHOWN of each option only, numbered in the database: a poll with
        # 10,000 votes reads at most 12 names per option (bench/poll_topic.py).
        rows = (
            PollChoice.objects.filter(ballot__poll=poll, ballot__voter__isnull=False)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("option_id")],
                    order_by=[F("ballot__created_at").asc(), F("pk").asc()],
                )
            )
            .filter(rank__lte=VOTERS_SHOWN)
            .order_by("option_id", "rank")
            .values_list("option_id", "ballot__voter__display_name", "ballot__voter__handle")
        )
        for option_id, name, handle in rows:
            voters.setdefault(option_id, []).append(name or handle)
    is_closed = poll.is_closed()
    has_voted = bool(chosen)
    return PollResults(
        poll=poll,
        options=[
            OptionResult(
                option=option,
                votes=option.votes,
                percent=percent(option.votes, voter_count),
                chosen=option.pk in chosen,
                voters=voters.get(option.pk, []),
            )
            for option in options
        ],
        voter_count=voter_count,
        has_voted=has_voted,
        is_closed=is_closed,
        can_vote=viewer.is_authenticated and not has_voted and not is_closed,
        can_manage=permissions.can_add_poll(viewer, poll.topic),
    )


# ------------------------------------------------------------------------------------ surveys


def net_promoter_score(distribution: dict[int, int]) -> Decimal | None:
    """% promoters (9–10) − % detractors (0–6), from −100 to 100; None with no answers."""
    total = sum(distribution.values())
    if not total:
        return None
    promoters = sum(count for score, count in distribution.items() if score >= 9)
    detractors = sum(count for score, count in distribution.items() if score <= 6)
    return percent(promoters - detractors, total)


def satisfaction_score(distribution: dict[int, int]) -> Decimal | None:
    """CSAT: the share of answers that are 4 or 5 out of 5, in %; None with no answers."""
    total = sum(distribution.values())
    if not total:
        return None
    return percent(sum(count for score, count in distribution.items() if score >= 4), total)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    # NPS and CSAT: how many gave each score (every score of the scale listed, 0 included).
    distribution: dict[int, int] = field(default_factory=dict)
    score: Decimal | None = None  # NPS or CSAT
    average: Decimal | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    # Choice questions: (label, count, % of those who answered the question).
    choices: list[tuple[str, int, Decimal]] = field(default_factory=list)
    # Free text: the latest answers, with the respondent's name unless the survey is anonymous.
    texts: list[tuple[str, str]] = field(default_factory=list)

    def chart(self) -> dict | None:
        """What the results page draws (Chart.js, from a json_script element)."""
        kind = self.question.kind
        if kind in SCALES:
            return {
                "type": "bar",
                "title": self.question.prompt,
                "labels": [str(score) for score in self.distribution],
                "values": list(self.distribution.values()),
            }
        if kind in CHOICE_KINDS:
            return {
                "type": "bar",
                "horizontal": True,
                "title": self.question.prompt,
                "labels": [label for label, _count, _share in self.choices],
                "values": [count for _label, count, _share in self.choices],
            }
        return None


@dataclass
class SurveyResults:
    survey: Survey
    invited: int
    responses: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> Decimal:
        return percent(self.responses, self.invited)

    def charts(self) -> dict[str, dict]:
        return {
            f"q{result.question.pk}": chart
            for result in self.questions
            if (chart := result.chart()) is not None
        }


def survey_results(survey: Survey) -> SurveyResults:
    """Every question's results; six queries whatever the number of answers."""
    questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
    results = {question.pk: QuestionResult(question=question) for question in questions}
    invited = SurveyInvitation.objects.filter(survey=survey).count()
    responses = SurveyResponse.objects.filter(survey=survey).count()
    scale_rows = (
        SurveyAnswer.objects.filter(
            question__survey=survey, question__kind__in=list(SCALES), score__isnull=False
        )
        .values("question_id", "score")
        .annotate(count=Count("pk"))
        .values_list("question_id", "score", "count")
        .order_by()
    )
    counted: dict[int, Counter] = {}
    for question_id, score, count in scale_rows:
        counted.setdefault(question_id, Counter())[score] += count
    choice_rows = SurveyAnswer.objects.filter(
        question__survey=survey, question__kind__in=list(CHOICE_KINDS)
    ).values_list("question_id", "choices")
    chosen: dict[int, Counter] = {}
    choice_answered: Counter = Counter()
    for question_id, indexes in choice_rows:
        choice_answered[question_id] += 1
        chosen.setdefault(question_id, Counter()).update(indexes or [])
    text_rows = (
        SurveyAnswer.objects.filter(question__survey=survey, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("-response__submitted_at", "-pk")
        .values_list(
            "question_id",
            "text",
            "response__respondent__display_name",
            "response__respondent__handle",
        )
    )
    text_answered: Counter = Counter()
    for question_id, text, name, handle in text_rows.iterator():
        text_answered[question_id] += 1
        result = results[question_id]
        if len(result.texts) < TEXT_ANSWERS_SHOWN:
            who = "" if survey.is_anonymous else (name or handle or "")
            result.texts.append((text, who))
    for question in questions:
        result = results[question.pk]
        if question.kind in SCALES:
            low, high = SCALES[question.kind]
            counts = counted.get(question.pk, Counter())
            result.distribution = {score: counts.get(score, 0) for score in range(low, high + 1)}
            result.answered = sum(result.distribution.values())
            if result.answered:
                total = sum(score * count for score, count in result.distribution.items())
                result.average = (Decimal(total) / result.answered).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
            if question.kind == QuestionKind.NPS:
                result.score = net_promoter_score(result.distribution)
                result.promoters = counts[9] + counts[10]
                result.passives = counts[7] + counts[8]
                result.detractors = result.answered - result.promoters - result.passives
            else:
                result.score = satisfaction_score(result.distribution)
        elif question.kind in CHOICE_KINDS:
            result.answered = choice_answered[question.pk]
            counts = chosen.get(question.pk, Counter())
            result.choices = [
                (label, counts[index], percent(counts[index], result.answered))
                for index, label in enumerate(question.choices)
            ]
        else:
            result.answered = text_answered[question.pk]
    return SurveyResults(
        survey=survey,
        invited=invited,
        responses=responses,
        questions=[results[question.pk] for question in questions],
    )


def _csv_safe(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def survey_csv(survey: Survey) -> str:
    """One row per response: when, who (blank for an anonymous survey), one column per
    question (a score, the chosen options joined by "; ", or the text). Three queries."""
    questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submitted_at", "member", *[question.prompt for question in questions]])
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .select_related("respondent")
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    for response in responses:
        by_question = {answer.question_id: answer for answer in response.answers.all()}
        member = ""
        if not survey.is_anonymous and response.respondent is not None:
            member = response.respondent.handle
        row = [response.submitted_at.isoformat(), member]
        for question in questions:
            answer = by_question.get(question.pk)
            if answer is None:
                row.append("")
            elif question.kind in SCALES:
                row.append(answer.score)
            elif question.kind in CHOICE_KINDS:
                row.append(
                    "; ".join(
                        question.choices[index]
                        for index in answer.choices
                        if index < len(question.choices)
                    )
                )
            else:
                row.append(answer.text)
        writer.writerow([_csv_safe(cell) for cell in row])
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ members


@dataclass
class MemberSurvey:
    survey: Survey
    answered: bool
    open: bool


def surveys_for_member(member) -> list[MemberSurvey]:
    """The surveys the member was invited to, newest first, and whether they answered. Two
    queries."""
    surveys = list(permissions.filter_surveys_queryset(member).order_by("-opened_at", "-pk")[:50])
    answered = set(
        SurveyResponse.objects.filter(respondent=member, survey__in=surveys).values_list(
            "survey_id", flat=True
        )
    )
    return [
        MemberSurvey(
            survey=survey,
            answered=survey.pk in answered,
            open=survey.is_accepting_answers(),
        )
        for survey in surveys
    ]


def has_answered(member, survey: Survey) -> bool:
    return bool(
        member.is_authenticated
        and SurveyResponse.objects.filter(survey=survey, respondent=member).exists()
    )


def survey_questions(survey: Survey) -> QuerySet[SurveyQuestion]:
    return SurveyQuestion.objects.filter(survey=survey).order_by("position")


def staff_surveys() -> QuerySet[Survey]:
    return Survey.objects.annotate(response_count=Count("responses", distinct=True)).order_by(
        "-created_at", "-pk"
    )
