"""Reads shared by the event pages, the API, the iCal feed and the tasks, with related rows
fetched up front (a page's query count does not grow with its rows)."""

from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.events import permissions
from flywheel.events.models import (
    Chapter,
    ChapterMembership,
    ChapterRole,
    Event,
    Question,
    QuestionState,
    QuestionVote,
    Registration,
    RegistrationStatus,
)

# The feed carries what is coming and what just happened (calendar apps keep the rest).
FEED_PAST = timedelta(days=90)


def events_for(viewer, *, chapter: Chapter | None = None) -> QuerySet[Event]:
    queryset = Event.objects.select_related("host", "chapter")
    if chapter is not None:
        queryset = queryset.filter(chapter=chapter)
    return permissions.filter_events_queryset(viewer, queryset)


def upcoming_events(viewer, *, now: datetime | None = None, chapter=None) -> QuerySet[Event]:
    return events_for(viewer, chapter=chapter).upcoming(now).order_by("starts_at", "id")


def past_events(viewer, *, now: datetime | None = None, chapter=None) -> QuerySet[Event]:
    return events_for(viewer, chapter=chapter).past(now).order_by("-starts_at", "-id")


def feed_events(*, now: datetime | None = None) -> QuerySet[Event]:
    now = now or timezone.now()
    return (
        events_for(None)
        .filter(ends_at__gte=now - FEED_PAST)
        .select_related("chapter", "host")
        .order_by("starts_at", "id")
    )


def event_for_viewer(viewer, event_id: int) -> Event:
    """The one access getter for an event (page, fragments, API, iCal)."""
    event = events_for(viewer).filter(pk=event_id).first()
    if event is None:
        raise Http404(_("This event does not exist."))
    return event


def registration_of(member, event: Event) -> Registration | None:
    if member is None or not member.is_authenticated:
        return None
    return Registration.objects.filter(event=event, member=member).first()


def statuses_for(member, events) -> dict[int, str]:
    """event id → the member's RSVP status, for a list of events (one query)."""
    if member is None or not member.is_authenticated:
        return {}
    return dict(
        Registration.objects.filter(member=member, event__in=list(events))
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("event_id", "status")
    )


def waitlist_position(registration: Registration | None) -> int | None:
    if registration is None or registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=RegistrationStatus.WAITLISTED,
        requested_at__lt=registration.requested_at,
    ).count()
    return ahead + 1


def questions_for(viewer, event: Event) -> tuple[list[Question], list[Question]]:
    """(open questions in the order the host answers them, answered ones newest first)."""
    questions = list(
        permissions.filter_questions_queryset(viewer, event.questions.all())
        .select_related("author", "answered_by")
        .order_by("-vote_count", "created_at", "id")
    )
    open_questions = [q for q in questions if q.state == QuestionState.OPEN]
    answered = sorted(
        (q for q in questions if q.state == QuestionState.ANSWERED),
        key=lambda q: (q.answered_at, q.pk),
        reverse=True,
    )
    return open_questions, answered


def voted_question_ids(viewer, event: Event) -> set[int]:
    if viewer is None or not viewer.is_authenticated:
        return set()
    return set(
        QuestionVote.objects.filter(member=viewer, question__event=event).values_list(
            "question_id", flat=True
        )
    )


def question_for_viewer(viewer, question_id: int) -> Question:
    question = (
        permissions.filter_questions_queryset(viewer, Question.objects.all())
        .select_related("event__chapter", "event__host")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise Http404(_("This question does not exist."))
    return question


def attendees(event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("member")
        .order_by("status", "requested_at", "id")
    )


def my_registrations(member) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(member=member)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event__chapter", "event__host")
        .order_by("-event__starts_at", "-id")
    )


def chapters() -> QuerySet[Chapter]:
    return Chapter.objects.order_by("name", "id")


def chapter_by_slug(slug: str) -> Chapter:
    chapter = (
        Chapter.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ChapterMembership.objects.filter(role=ChapterRole.ORGANISER)
                .select_related("member")
                .order_by("joined_at", "id"),
                to_attr="organiser_memberships",
            )
        )
        .first()
    )
    if chapter is None:
        raise Http404(_("This chapter does not exist."))
    return chapter


def chapter_membership(member, chapter: Chapter) -> ChapterMembership | None:
    if member is None or not member.is_authenticated:
        return None
    return ChapterMembership.objects.filter(chapter=chapter, member=member).first()
