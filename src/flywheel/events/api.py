"""JSON API for events: the list and one event (public), RSVP and cancelling it, check-in,
and AMA questions (list, ask, vote, answer). Times are ISO 8601 in UTC; clients show them in
their reader's zone (`time_zone` is the zone the organisers planned in)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CleanStr,
    MemberSummary,
    ensure_id,
    member_summary,
)
from flywheel.events import permissions, queries, services
from flywheel.events.models import Event, Question, Registration

router = Router(tags=["events"])


class ChapterRef(Schema):
    slug: str
    name: str
    city: str


class EventOut(Schema):
    id: int
    title: str
    kind: str = Field(description="`ama`, `qa`, `workshop`, `meetup`, `launch` or `livestream`.")
    format: str = Field(description="`online` or `in_person`.")
    state: str = Field(description="`scheduled` or `cancelled`.")
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="The IANA zone the event was planned in.")
    description_html: str = Field(description="Sanitised HTML rendered from Markdown.")
    venue: str
    address: str
    capacity: int | None = Field(description="Seats; null for no limit.")
    going_count: int
    waitlist_count: int
    attended_count: int
    takes_questions: bool
    host: MemberSummary | None
    chapter: ChapterRef | None
    url: str
    ics_url: str


class EventListOut(Schema):
    items: list[EventOut]
    next_cursor: str | None


class EventListParams(PageParams):
    when: str = Field("upcoming", description="`upcoming` (default) or `past`.")
    chapter: str | None = Field(None, max_length=100, description="A chapter's slug.")


class RegistrationOut(Schema):
    event_id: int
    status: str = Field(description="`going`, `waitlisted` or `cancelled`.")
    waitlist_position: int | None
    checked_in: bool


class CheckInIn(Schema):
    code: CleanStr = Field(max_length=12)


class QuestionOut(Schema):
    id: int
    body_html: str
    author: MemberSummary | None
    state: str = Field(description="`open` or `answered`.")
    vote_count: int
    voted: bool = Field(description="Whether the caller voted for it.")
    answer_html: str
    answered_at: datetime | None
    created_at: datetime


class QuestionListOut(Schema):
    version: int = Field(description="Changes whenever a question, vote or answer does.")
    open: list[QuestionOut] = Field(description="In the order the host answers them.")
    answered: list[QuestionOut] = Field(description="Newest answer first.")


class QuestionIn(Schema):
    body: CleanStr = Field(min_length=1, max_length=500)


class AnswerIn(Schema):
    answer: CleanStr = Field(min_length=1, max_length=5000)


def event_out(event: Event) -> dict:
    from django.urls import reverse

    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "format": event.format,
        "state": event.state,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "description_html": event.description_html,
        "venue": event.venue,
        "address": event.address,
        "capacity": event.capacity,
        "going_count": event.going_count,
        "waitlist_count": event.waitlist_count,
        "attended_count": event.attended_count,
        "takes_questions": event.takes_questions,
        "host": member_summary(event.host),
        "chapter": (
            {"slug": event.chapter.slug, "name": event.chapter.name, "city": event.chapter.city}
            if event.chapter_id
            else None
        ),
        "url": event.get_absolute_url(),
        "ics_url": reverse("events:ics", args=[event.pk]),
    }


def registration_out(registration: Registration) -> dict:
    return {
        "event_id": registration.event_id,
        "status": registration.status,
        "waitlist_position": queries.waitlist_position(registration),
        "checked_in": registration.checked_in_at is not None,
    }


def question_out(question: Question, voted: set[int]) -> dict:
    return {
        "id": question.pk,
        "body_html": question.body_html,
        "author": member_summary(question.author),
        "state": question.state,
        "vote_count": question.vote_count,
        "voted": question.pk in voted,
        "answer_html": question.answer_html,
        "answered_at": question.answered_at,
        "created_at": question.created_at,
    }


def _event(request: HttpRequest, event_id: int) -> Event:
    ensure_id(event_id, message="No such event.")
    return queries.event_for_viewer(viewer(request), event_id)


@router.get(
    "",
    response={200: EventListOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List events",
)
def list_events(request: HttpRequest, params: Query[EventListParams]):
    """Upcoming events soonest first, or past events latest first; optionally one chapter's."""
    chapter = queries.chapter_by_slug(params.chapter) if params.chapter else None
    if params.when == "past":
        queryset, ordering = (
            queries.past_events(viewer(request), chapter=chapter),
            ["-starts_at", "-id"],
        )
    else:
        queryset = queries.upcoming_events(viewer(request), chapter=chapter)
        ordering = ["starts_at", "id"]
    page = paginate(queryset, ordering=ordering, cursor=params.cursor, limit=params.limit)
    return {"items": [event_out(event) for event in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/{event_id}",
    response={200: EventOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get an event",
)
def get_event(request: HttpRequest, event_id: int):
    return event_out(_event(request, event_id))


@router.put(
    "/{event_id}/registration",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=member_required,
    summary="RSVP to an event",
)
def register(request: HttpRequest, event_id: int):
    """A seat when one is free, else the back of the waitlist; calling it again changes
    nothing."""
    registration = services.register_for_event(
        event=_event(request, event_id), member=viewer(request)
    )
    return registration_out(registration)


@router.delete(
    "/{event_id}/registration",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Cancel an RSVP",
)
def cancel_registration(request: HttpRequest, event_id: int):
    """Gives the seat up; the first member on the waitlist takes it at once."""
    registration = services.cancel_registration(
        event=_event(request, event_id), member=viewer(request)
    )
    return registration_out(registration)


@router.post(
    "/{event_id}/check-in",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Check in with the event's code",
)
def check_in(request: HttpRequest, event_id: int, payload: CheckInIn):
    registration = services.check_in(
        event=_event(request, event_id), member=viewer(request), code=payload.code
    )
    return registration_out(registration)


@router.get(
    "/{event_id}/questions",
    response={200: QuestionListOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List an AMA's questions",
)
def list_questions(request: HttpRequest, event_id: int):
    event = _event(request, event_id)
    open_questions, answered = queries.questions_for(viewer(request), event)
    voted = queries.voted_question_ids(viewer(request), event)
    return {
        "version": event.version,
        "open": [question_out(question, voted) for question in open_questions],
        "answered": [question_out(question, voted) for question in answered],
    }


@router.post(
    "/{event_id}/questions",
    response={201: QuestionOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Ask a question",
)
def ask_question(request: HttpRequest, event_id: int, payload: QuestionIn):
    question = services.ask_question(
        event=_event(request, event_id), author=viewer(request), body=payload.body
    )
    return Status(201, question_out(question, set()))


@router.post(
    "/questions/{question_id}/vote",
    response={200: QuestionOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Vote for a question",
)
def vote(request: HttpRequest, question_id: int):
    ensure_id(question_id, message="No such question.")
    question = queries.question_for_viewer(viewer(request), question_id)
    question = services.upvote_question(question=question, member=viewer(request))
    return question_out(question, {question.pk})


@router.post(
    "/questions/{question_id}/answer",
    response={200: QuestionOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Answer a question (the host)",
)
def answer(request: HttpRequest, question_id: int, payload: AnswerIn):
    ensure_id(question_id, message="No such question.")
    question = queries.question_for_viewer(viewer(request), question_id)
    permissions.check_run_event_permission(viewer(request), question.event)
    question = services.answer_question(
        question=question, by=viewer(request), answer=payload.answer
    )
    return question_out(question, set())
