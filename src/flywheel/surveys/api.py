"""JSON API for polls and surveys: read a poll, vote, add a poll to a topic; the member's
surveys, answering one; a survey's results (NPS, CSAT) for the brand team."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, CleanStr, ObjectId, ensure_id
from flywheel.community.permissions import access_topic
from flywheel.surveys import permissions, queries, services

router = Router(tags=["surveys"])


class OptionOut(Schema):
    id: int
    label: str
    votes: int | None = Field(description="Only once the caller may see results.")
    percent: Decimal | None = Field(description="Share of voters, one decimal.")
    chosen: bool = Field(description="The caller chose it.")
    voters: list[str] = Field(description="Names, for polls that are not anonymous.")


class PollOut(Schema):
    id: int
    topic_id: int
    question: str
    allows_multiple: bool
    is_anonymous: bool
    closes_at: datetime | None
    is_closed: bool
    voter_count: int
    has_voted: bool
    can_vote: bool
    results_visible: bool = Field(description="Results show after voting or once closed.")
    options: list[OptionOut]


class PollIn(Schema):
    question: CleanStr = Field(max_length=300)
    options: list[CleanStr] = Field(min_length=2, max_length=10)
    allows_multiple: bool = False
    is_anonymous: bool = True
    closes_at: datetime | None = None


class VoteIn(Schema):
    options: list[ObjectId] = Field(min_length=1, max_length=10)


def poll_out(request: HttpRequest, poll) -> dict:
    results = queries.poll_results(poll, viewer=viewer(request))
    visible = results.show_results
    return {
        "id": poll.pk,
        "topic_id": poll.topic_id,
        "question": poll.question,
        "allows_multiple": poll.allows_multiple,
        "is_anonymous": poll.is_anonymous,
        "closes_at": poll.closes_at,
        "is_closed": results.is_closed,
        "voter_count": results.voter_count,
        "has_voted": results.has_voted,
        "can_vote": results.can_vote,
        "results_visible": visible,
        "options": [
            {
                "id": item.option.pk,
                "label": item.option.label,
                "votes": item.votes if visible else None,
                "percent": item.percent if visible else None,
                "chosen": item.chosen,
                "voters": item.voters if visible else [],
            }
            for item in results.options
        ],
    }


@router.get(
    "/polls/{poll_id}",
    response={200: PollOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Read a poll",
)
def read_poll(request: HttpRequest, poll_id: int):
    """A poll in a topic the caller may read; counts only once they voted or it closed."""
    ensure_id(poll_id, message="No such poll.")
    return poll_out(request, permissions.access_poll(viewer(request), poll_id))


@router.post(
    "/polls/{poll_id}/vote",
    response={200: PollOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Vote in a poll",
)
def vote(request: HttpRequest, poll_id: int, payload: VoteIn):
    """One vote per member (the same vote again is accepted and changes nothing)."""
    ensure_id(poll_id, message="No such poll.")
    member = viewer(request)
    poll = permissions.access_poll(member, poll_id)
    services.vote_in_poll(poll=poll, voter=member, option_ids=payload.options)
    return poll_out(request, poll)


@router.post(
    "/topics/{topic_id}/poll",
    response={201: PollOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Add a poll to a topic",
)
def add_poll(request: HttpRequest, topic_id: int, payload: PollIn):
    """The topic's author or a moderator; one poll per topic."""
    ensure_id(topic_id, message="No such topic.")
    member = viewer(request)
    topic = access_topic(member, topic_id)
    poll = services.add_poll(
        topic=topic,
        by=member,
        question=payload.question,
        options=payload.options,
        allows_multiple=payload.allows_multiple,
        is_anonymous=payload.is_anonymous,
        closes_at=payload.closes_at,
    )
    return Status(201, poll_out(request, poll))


class SurveySummaryOut(Schema):
    id: int
    title: str
    status: str
    closes_at: datetime | None
    answered: bool
    open: bool


class QuestionOut(Schema):
    id: int
    kind: str = Field(description="`nps` (0–10), `csat` (1–5), `single`, `multiple`, `text`.")
    prompt: str
    choices: list[str]
    required: bool


class SurveyOut(Schema):
    id: int
    title: str
    intro_html: str
    status: str
    closes_at: datetime | None
    accepting_answers: bool
    answered: bool
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[int, int | list[int] | CleanStr] = Field(
        description="Question id → a score (nps, csat), an option index (single), a list of "
        "option indexes (multiple) or text."
    )


class ResponseOut(Schema):
    survey_id: int
    submitted_at: datetime


class QuestionResultOut(Schema):
    id: int
    kind: str
    prompt: str
    answered: int
    score: Decimal | None = Field(description="NPS (−100 to 100) or CSAT (% satisfied).")
    average: Decimal | None
    distribution: dict[int, int]
    choices: list[dict]
    texts: list[str]


class ResultsOut(Schema):
    id: int
    title: str
    invited: int
    responses: int
    response_rate: Decimal
    questions: list[QuestionResultOut]


@router.get(
    "/me",
    response={200: list[SurveySummaryOut], **READ_ERRORS},
    auth=member_required,
    summary="Surveys I was invited to",
)
def my_surveys(request: HttpRequest):
    return [
        {
            "id": entry.survey.pk,
            "title": entry.survey.title,
            "status": entry.survey.status,
            "closes_at": entry.survey.closes_at,
            "answered": entry.answered,
            "open": entry.open,
        }
        for entry in queries.surveys_for_member(viewer(request))
    ]


@router.get(
    "/{survey_id}",
    response={200: SurveyOut, **READ_ERRORS},
    auth=member_required,
    summary="Read a survey",
)
def read_survey(request: HttpRequest, survey_id: int):
    ensure_id(survey_id, message="No such survey.")
    member = viewer(request)
    survey = permissions.access_survey(member, survey_id)
    return {
        "id": survey.pk,
        "title": survey.title,
        "intro_html": survey.intro_html,
        "status": survey.status,
        "closes_at": survey.closes_at,
        "accepting_answers": survey.is_accepting_answers(),
        "answered": queries.has_answered(member, survey),
        "questions": [
            {
                "id": question.pk,
                "kind": question.kind,
                "prompt": question.prompt,
                "choices": question.choices,
                "required": question.required,
            }
            for question in queries.survey_questions(survey)
        ],
    }


@router.post(
    "/{survey_id}/responses",
    response={201: ResponseOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Answer a survey",
)
def answer(request: HttpRequest, survey_id: int, payload: AnswersIn):
    """Once per member; a missing required answer or a score off the scale is a 422 naming
    `question_<id>`."""
    ensure_id(survey_id, message="No such survey.")
    member = viewer(request)
    survey = permissions.access_survey(member, survey_id)
    response = services.answer_survey(survey=survey, member=member, answers=payload.answers)
    return Status(201, {"survey_id": survey.pk, "submitted_at": response.submitted_at})


@router.get(
    "/{survey_id}/results",
    response={200: ResultsOut, **READ_ERRORS},
    auth=member_required,
    summary="A survey's results (brand team)",
)
def results(request: HttpRequest, survey_id: int):
    ensure_id(survey_id, message="No such survey.")
    member = viewer(request)
    permissions.check_survey_staff_permission(member)
    survey = permissions.access_survey(member, survey_id)
    outcome = queries.survey_results(survey)
    return {
        "id": survey.pk,
        "title": survey.title,
        "invited": outcome.invited,
        "responses": outcome.responses,
        "response_rate": outcome.response_rate,
        "questions": [
            {
                "id": result.question.pk,
                "kind": result.question.kind,
                "prompt": result.question.prompt,
                "answered": result.answered,
                "score": result.score,
                "average": result.average,
                "distribution": result.distribution,
                "choices": [
                    {"label": label, "count": count, "percent": share}
                    for label, count, share in result.choices
                ],
                "texts": [text for text, _who in result.texts],
            }
            for result in outcome.questions
        ],
    }
