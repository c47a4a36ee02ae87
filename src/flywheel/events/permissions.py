"""Who may schedule, run and take part in events and chapters.

Events are public (anyone may read an event page, its questions and the iCal feed); taking
part needs a signed-in member. Running an event (check-in code, answering questions,
cancelling) is for its host, the brand team, and for a chapter's meetups its organisers.
Pages and the API share these; denials raise PermissionDenied (403)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from flywheel.core.exceptions import InvalidInput
from flywheel.core.ratelimit import trust_level_of
from flywheel.events.models import (
    Chapter,
    ChapterMembership,
    ChapterRole,
    Event,
    Question,
    QuestionState,
)


def is_events_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (getattr(user, "is_brand_team", False) or user.is_superuser)
    )


def organised_chapter_ids(user) -> set[int]:
    """The chapters `user` organises (remembered on the instance for the request)."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_flywheel_organised_chapters", None)
    if cached is None:
        cached = set(
            ChapterMembership.objects.filter(
                member_id=user.pk, role=ChapterRole.ORGANISER
            ).values_list("chapter_id", flat=True)
        )
        user._flywheel_organised_chapters = cached
    return cached


def is_chapter_organiser(user, chapter: Chapter | None) -> bool:
    return chapter is not None and chapter.pk in organised_chapter_ids(user)


def can_schedule_events(user) -> bool:
    return is_events_staff(user) or bool(organised_chapter_ids(user))


def check_schedule_event_permission(user, *, chapter: Chapter | None) -> None:
    """The brand team schedules any event; a chapter's organisers its meetups."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if is_events_staff(user):
        return
    if chapter is None:
        raise PermissionDenied(_("Only the brand team can schedule community-wide events."))
    if not is_chapter_organiser(user, chapter):
        raise PermissionDenied(_("Only this chapter's organisers can schedule its meetups."))


def can_run_event(user, event: Event) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return (
        is_events_staff(user)
        or (event.host_id is not None and event.host_id == user.pk)
        or is_chapter_organiser(user, event.chapter)
    )


def check_run_event_permission(user, event: Event) -> None:
    """The host, the brand team and the chapter's organisers run an event."""
    if not can_run_event(user, event):
        raise PermissionDenied(_("Only the host and the organisers can do this."))


def check_take_part_permission(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to take part."))


def check_vote_permission(user, question: Question) -> None:
    check_take_part_permission(user)
    if question.author_id == user.pk:
        raise PermissionDenied(_("You cannot vote for your own question."))
    if question.state != QuestionState.OPEN:
        raise PermissionDenied(_("This question is no longer open for votes."))


def check_manage_chapters_permission(user) -> None:
    if not is_events_staff(user):
        raise PermissionDenied(_("Only the brand team can do this."))


def check_organiser_eligible(member) -> None:
    """Organisers are drawn from trusted members (FLYWHEEL_EVENTS_ORGANISER_TRUST_LEVEL)."""
    needed = settings.FLYWHEEL_EVENTS_ORGANISER_TRUST_LEVEL
    if trust_level_of(member) < needed:
        raise InvalidInput(
            _("Organisers must have reached trust level %(level)d.") % {"level": needed},
            field="member",
        )


def filter_events_queryset(user, queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Every event is public, cancelled ones included (their page says so); kept as the one
    place a later rule (members-only events) would go."""
    return queryset


def filter_questions_queryset(user, queryset: QuerySet[Question]) -> QuerySet[Question]:
    """Dismissed questions (skipped by the host) leave the board and the API for everyone;
    the host console lists open ones only."""
    return queryset.exclude(state=QuestionState.DISMISSED)
