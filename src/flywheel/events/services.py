"""Every write about events: scheduling and cancelling, RSVPs with a waitlist that promotes
itself, check-in, AMA questions, votes and answers, reminders, and chapters.

Seats are counted under a lock on the event row (select_for_update), so concurrent RSVPs and
cancellations never fill an event past its capacity nor leave a seat empty while someone
waits (tests/events/test_waitlist_concurrency.py runs them in real threads on PostgreSQL)."""

import logging
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.markup import render_markdown
from flywheel.core.member_mail import email_member, zone_named
from flywheel.core.ratelimit import check_action_rate_limit, check_rate_limit
from flywheel.core.services import record_activity
from flywheel.events import permissions
from flywheel.events.models import (
    EVENT_ATTENDED,
    EVENT_REGISTERED,
    Chapter,
    ChapterMembership,
    ChapterRole,
    Event,
    EventFormat,
    EventKind,
    EventState,
    Question,
    QuestionState,
    QuestionVote,
    Registration,
    RegistrationStatus,
)

logger = logging.getLogger(__name__)

TITLE_MAX = 150
DESCRIPTION_MAX = 10_000
QUESTION_MAX = 500
ANSWER_MAX = 5000
LONGEST_EVENT = timedelta(days=14)
# Check-in opens an hour before the start and closes two hours after the end.
CHECK_IN_OPENS = timedelta(hours=1)
CHECK_IN_CLOSES = timedelta(hours=2)
# The two reminders: (registration field, how long before the start).
REMINDERS = (("reminded_day_at", timedelta(hours=24)), ("reminded_hour_at", timedelta(hours=1)))


# ---------------------------------------------------------------- helpers


def local_to_utc(value: datetime, zone_name: str) -> datetime:
    """A wall-clock time in `zone_name` (as a form gives it) as an aware UTC datetime."""
    if timezone.is_aware(value):
        return value.astimezone(zoneinfo.ZoneInfo("UTC"))
    return value.replace(tzinfo=zone_named(zone_name)).astimezone(zoneinfo.ZoneInfo("UTC"))


def _bump(event: Event) -> None:
    """The live question list changed: pollers fetch it again."""
    Event.objects.filter(pk=event.pk).update(version=F("version") + 1)


def _refresh_counts(event: Event) -> None:
    registrations = Registration.objects.filter(event=event)
    event.going_count = registrations.filter(status=RegistrationStatus.GOING).count()
    event.waitlist_count = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
    Event.objects.filter(pk=event.pk).update(
        going_count=event.going_count, waitlist_count=event.waitlist_count
    )


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _event_url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + event.get_absolute_url()


def _email_after_commit(member, **kwargs) -> None:
    def send() -> None:
        try:
            email_member(member, **kwargs)
        except Exception:  # an RSVP already saved must not fail on the mail server
            logger.exception("events: e-mail to member %s failed", member.pk)

    transaction.on_commit(send, robust=True)


# ---------------------------------------------------------------- scheduling


def _clean_event(
    *,
    title: str,
    kind: str,
    format: str,
    starts_at,
    ends_at,
    time_zone: str,
    description: str,
    venue: str,
    address: str,
    online_url: str,
    capacity,
) -> dict:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the event a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Keep the title under %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    if kind not in EventKind.values:
        raise InvalidInput(_("Choose what kind of event this is."), field="kind")
    if format not in EventFormat.values:
        raise InvalidInput(_("Choose online or in person."), field="format")
    try:
        zoneinfo.ZoneInfo(time_zone or "")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(_("Choose a time zone from the list."), field="time_zone") from error
    if not isinstance(starts_at, datetime):
        raise InvalidInput(_("Give the start date and time."), field="starts_at")
    if not isinstance(ends_at, datetime):
        raise InvalidInput(_("Give the end date and time."), field="ends_at")
    starts_at = local_to_utc(starts_at, time_zone)
    ends_at = local_to_utc(ends_at, time_zone)
    if ends_at <= starts_at:
        raise InvalidInput(_("The event must end after it starts."), field="ends_at")
    if ends_at - starts_at > LONGEST_EVENT:
        raise InvalidInput(_("An event can last two weeks at most."), field="ends_at")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("Keep the description under %(count)d characters.") % {"count": DESCRIPTION_MAX},
            field="description",
        )
    venue, address, online_url = (venue or "").strip(), (address or "").strip(), online_url or ""
    online_url = online_url.strip()
    if online_url and not online_url.startswith(("https://", "http://")):
        raise InvalidInput(_("The link must start with https://."), field="online_url")
    if format == EventFormat.IN_PERSON and not venue:
        raise InvalidInput(_("Say where the event takes place."), field="venue")
    if kind == EventKind.LIVESTREAM and not online_url:
        raise InvalidInput(_("A live stream needs the link to watch it."), field="online_url")
    if capacity in ("", None):
        capacity = None
    else:
        try:
            capacity = int(capacity)
        except (TypeError, ValueError):
            capacity = 0
        if not 1 <= capacity <= 1_000_000:
            raise InvalidInput(
                _("Capacity is a number of seats, or empty for no limit."), field="capacity"
            )
    return {
        "title": title,
        "kind": kind,
        "format": format,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": time_zone,
        "description": description,
        "description_html": render_markdown(description) if description else "",
        "venue": venue[:200],
        "address": address[:300],
        "online_url": online_url[:500],
        "capacity": capacity,
    }


@transaction.atomic
def schedule_event(
    *,
    by,
    title: str,
    kind: str,
    format: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str = "UTC",
    description: str = "",
    venue: str = "",
    address: str = "",
    online_url: str = "",
    capacity: int | None = None,
    host=None,
    chapter: Chapter | None = None,
    at: datetime | None = None,
) -> Event:
    """The brand team schedules an event; a chapter's organisers schedule its meetups.
    Naive start and end times are wall-clock times in `time_zone`; they are stored in UTC.
    `at` backdates the row (the demo's past events)."""
    permissions.check_schedule_event_permission(by, chapter=chapter)
    fields = _clean_event(
        title=title,
        kind=kind,
        format=format,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        description=description,
        venue=venue,
        address=address,
        online_url=online_url,
        capacity=capacity,
    )
    now = at or timezone.now()
    event = Event(
        **fields,
        host=host or by,
        chapter=chapter,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    event.slug = slugify(event.title, allow_unicode=True)[:160] or "event"
    event.save()
    return event


@transaction.atomic
def cancel_event(*, event: Event, by) -> Event:
    """Calls the event off; everyone going or waiting is told by e-mail (once)."""
    permissions.check_run_event_permission(by, event)
    event = _locked(event)
    if event.state == EventState.CANCELLED:
        return event
    event.state = EventState.CANCELLED
    event.updated_at = timezone.now()
    event.save(update_fields=["state", "updated_at"])
    for registration in Registration.objects.filter(
        event=event,
        status__in=[RegistrationStatus.GOING, RegistrationStatus.WAITLISTED],
    ).select_related("member"):
        _email_after_commit(
            registration.member,
            subject="events/email/cancelled_subject.txt",
            template="events/email/cancelled.txt",
            context={"event": event, "url": _event_url(event)},
        )
    return event


# ---------------------------------------------------------------- RSVP and the waitlist


def _record_registered(registration: Registration, event: Event, at: datetime) -> None:
    # Once per member and event: cancelling and coming back earns nothing twice.
    record_activity(
        actor=registration.member,
        verb=EVENT_REGISTERED,
        target=event,
        payload={"event_id": event.pk, "kind": event.kind, "chapter_id": event.chapter_id},
        dedupe_key=f"{EVENT_REGISTERED}:{event.pk}:{registration.member_id}",
        at=at,
    )


def _fill_seats(event: Event, *, now: datetime) -> list[Registration]:
    """Promote the waitlist, first come first served, while seats are free. The caller holds
    the event's row lock."""
    promoted = []
    going = Registration.objects.filter(event=event, status=RegistrationStatus.GOING).count()
    free = None if event.capacity is None else event.capacity - going
    waiting = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).select_related("member")
    if free is not None:
        waiting = waiting[: max(free, 0)]
    for registration in waiting:
        registration.status = RegistrationStatus.GOING
        registration.promoted_at = now
        registration.confirmed_at = now
        registration.save(update_fields=["status", "promoted_at", "confirmed_at"])
        _record_registered(registration, event, now)
        promoted.append(registration)
        _email_after_commit(
            registration.member,
            subject="events/email/promoted_subject.txt",
            template="events/email/promoted.txt",
            context={"event": event, "url": _event_url(event)},
        )
    return promoted


@transaction.atomic
def register_for_event(*, event: Event, member, at: datetime | None = None) -> Registration:
    """RSVP: a seat when one is free, else the back of the waitlist. Registering again while
    going or waiting changes nothing."""
    permissions.check_take_part_permission(member)
    now = at or timezone.now()
    if at is None:
        check_rate_limit(key=f"events:rsvp:{member.pk}")
    event = _locked(event)
    if event.state == EventState.CANCELLED:
        raise Conflict(_("This event was cancelled."), field="event")
    if event.has_ended(now):
        raise Conflict(_("This event is over."), field="event")
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        return registration
    going = Registration.objects.filter(event=event, status=RegistrationStatus.GOING).count()
    seat_free = event.capacity is None or going < event.capacity
    status = RegistrationStatus.GOING if seat_free else RegistrationStatus.WAITLISTED
    if registration is None:
        registration = Registration(event=event, member=member)
    registration.status = status
    registration.requested_at = now
    registration.confirmed_at = now if seat_free else None
    registration.cancelled_at = None
    registration.promoted_at = None
    registration.save()
    if seat_free:
        _record_registered(registration, event, now)
    _refresh_counts(event)
    registration.event = event
    return registration


@transaction.atomic
def cancel_registration(*, event: Event, member, at: datetime | None = None) -> Registration:
    """A member gives up their seat (or their place in the queue); the first member waiting
    takes the seat at once and is told by e-mail."""
    permissions.check_take_part_permission(member)
    now = at or timezone.now()
    event = _locked(event)
    registration = (
        Registration.objects.select_for_update().filter(event=event, member=member).first()
    )
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise Conflict(_("You are not registered for this event."), field="event")
    if registration.checked_in_at is not None:
        raise Conflict(_("You already checked in to this event."), field="event")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    if event.state == EventState.SCHEDULED and not event.has_ended(now):
        _fill_seats(event, now=now)
    _refresh_counts(event)
    registration.event = event
    return registration


@transaction.atomic
def change_capacity(*, event: Event, by, capacity: int | None) -> Event:
    """More seats promote the waitlist at once; fewer never take a seat from anyone going."""
    permissions.check_run_event_permission(by, event)
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        raise InvalidInput(
            _("Capacity is a number of seats, or empty for no limit."), field="capacity"
        )
    event = _locked(event)
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    if event.state == EventState.SCHEDULED and not event.has_ended():
        _fill_seats(event, now=timezone.now())
    _refresh_counts(event)
    return event


# ---------------------------------------------------------------- check-in


def _record_attended(registration: Registration, event: Event, at: datetime) -> None:
    record_activity(
        actor=registration.member,
        verb=EVENT_ATTENDED,
        target=event,
        payload={"event_id": event.pk, "kind": event.kind, "chapter_id": event.chapter_id},
        dedupe_key=f"{EVENT_ATTENDED}:{event.pk}:{registration.member_id}",
        at=at,
    )


def _mark_attended(registration: Registration, event: Event, now: datetime) -> Registration:
    if registration.checked_in_at is not None:
        return registration
    registration.checked_in_at = now
    registration.save(update_fields=["checked_in_at"])
    Event.objects.filter(pk=event.pk).update(attended_count=F("attended_count") + 1)
    _record_attended(registration, event, now)
    return registration


@transaction.atomic
def check_in(*, event: Event, member, code: str, at: datetime | None = None) -> Registration:
    """A member going to the event checks in with the code the host shows (in the room or on
    the stream). Logged once as event_attended, which the point rules and badges read."""
    permissions.check_take_part_permission(member)
    now = at or timezone.now()
    if at is None:
        check_rate_limit(key=f"events:check-in:{member.pk}", rate="10/h")
    event = _locked(event)
    if event.state == EventState.CANCELLED:
        raise Conflict(_("This event was cancelled."), field="event")
    if not event.starts_at - CHECK_IN_OPENS <= now <= event.ends_at + CHECK_IN_CLOSES:
        raise Conflict(_("Check-in is open around the time of the event only."), field="code")
    if (code or "").strip().upper().replace(" ", "") != event.check_in_code:
        raise InvalidInput(_("This check-in code is not right."), field="code")
    registration = Registration.objects.filter(
        event=event, member=member, status=RegistrationStatus.GOING
    ).first()
    if registration is None:
        raise Conflict(_("Register for the event before checking in."), field="event")
    return _mark_attended(registration, event, now)


@transaction.atomic
def check_in_member(*, event: Event, member, by, at: datetime | None = None) -> Registration:
    """The host checks someone in at the door: a walk-in gets a seat whatever the capacity
    (they are in the room)."""
    permissions.check_run_event_permission(by, event)
    now = at or timezone.now()
    event = _locked(event)
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is None:
        registration = Registration(event=event, member=member, requested_at=now)
    if registration.status != RegistrationStatus.GOING:
        registration.status = RegistrationStatus.GOING
        registration.confirmed_at = now
        registration.cancelled_at = None
        registration.save()
        _record_registered(registration, event, now)
    _mark_attended(registration, event, now)
    _refresh_counts(event)
    return registration


# ---------------------------------------------------------------- AMA questions


@transaction.atomic
def ask_question(*, event: Event, author, body: str, at: datetime | None = None) -> Question:
    """A member asks the host a question, before or during an AMA or Q&A."""
    permissions.check_take_part_permission(author)
    now = at or timezone.now()
    if not event.takes_questions:
        raise Conflict(_("This event does not take questions."), field="event")
    if event.state == EventState.CANCELLED:
        raise Conflict(_("This event was cancelled."), field="event")
    if event.has_ended(now):
        raise Conflict(_("This event is over; questions are closed."), field="event")
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write your question."), field="body")
    if len(body) > QUESTION_MAX:
        raise InvalidInput(
            _("Keep the question under %(count)d characters.") % {"count": QUESTION_MAX},
            field="body",
        )
    if at is None:
        check_action_rate_limit(member=author, action="event_question")
    question = Question.objects.create(
        event=event, author=author, body=body, body_html=render_markdown(body), created_at=now
    )
    Event.objects.filter(pk=event.pk).update(
        question_count=F("question_count") + 1, version=F("version") + 1
    )
    return question


@transaction.atomic
def upvote_question(*, question: Question, member) -> Question:
    """One vote per member and question (a database constraint); the queue is ordered by
    votes, so the most wanted question is answered first."""
    permissions.check_vote_permission(member, question)
    check_action_rate_limit(member=member, action="reaction")
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, member=member)
    except IntegrityError as duplicate:
        raise Conflict(_("You already voted for this question."), field="question") from duplicate
    Question.objects.filter(pk=question.pk).update(vote_count=F("vote_count") + 1)
    question.refresh_from_db(fields=["vote_count"])
    _bump(question.event)
    return question


@transaction.atomic
def answer_question(*, question: Question, by, answer: str, at: datetime | None = None) -> Question:
    """The host answers during the event; the page of everyone watching shows it on its next
    poll. Answering again edits the answer."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("event__chapter")
        .get(pk=question.pk)
    )
    event = question.event
    permissions.check_run_event_permission(by, event)
    now = at or timezone.now()
    if now < event.starts_at:
        raise Conflict(_("Answers go live when the event starts."), field="answer")
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Write the answer."), field="answer")
    if len(answer) > ANSWER_MAX:
        raise InvalidInput(
            _("Keep the answer under %(count)d characters.") % {"count": ANSWER_MAX},
            field="answer",
        )
    question.answer = answer
    question.answer_html = render_markdown(answer)
    question.answered_by = by
    question.answered_at = question.answered_at or now
    question.state = QuestionState.ANSWERED
    question.save(update_fields=["answer", "answer_html", "answered_by", "answered_at", "state"])
    _bump(event)
    return question


@transaction.atomic
def dismiss_question(*, question: Question, by) -> Question:
    """The host skips a question (off topic, already covered); its author still sees it."""
    question = Question.objects.select_related("event__chapter").get(pk=question.pk)
    permissions.check_run_event_permission(by, question.event)
    if question.state != QuestionState.DISMISSED:
        question.state = QuestionState.DISMISSED
        question.save(update_fields=["state"])
        _bump(question.event)
    return question


# ---------------------------------------------------------------- reminders


def send_event_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """E-mail each member going to an event 24 hours and 1 hour before it starts, in their
    language and time zone. Run by the beat every few minutes.

    Exactly once: each reminder is claimed by a conditional update of its registration's
    stamp in the transaction that sends it (a second run, or a concurrent worker, finds it
    claimed; a failed send rolls the claim back for the next run). A window is the time from
    its lead to the next one's, so a late run never sends both at once, and a member whose
    seat was confirmed inside a window gets only the later reminders."""
    now = now or timezone.now()
    counts = {}
    for index, (field, lead) in enumerate(REMINDERS):
        later_lead = REMINDERS[index + 1][1] if index + 1 < len(REMINDERS) else timedelta(0)
        due = (
            Registration.objects.filter(
                status=RegistrationStatus.GOING,
                event__state=EventState.SCHEDULED,
                event__starts_at__gt=now + later_lead,
                event__starts_at__lte=now + lead,
                confirmed_at__lt=F("event__starts_at") - lead,
                **{f"{field}__isnull": True},
            )
            .select_related("event", "member")
            .order_by("event__starts_at", "pk")
        )
        sent = 0
        for registration in due[:1000]:
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk,
                    status=RegistrationStatus.GOING,
                    **{f"{field}__isnull": True},
                ).update(**{field: now})
                if not claimed:
                    continue
                event = registration.event
                email_member(
                    registration.member,
                    subject="events/email/reminder_subject.txt",
                    template="events/email/reminder.txt",
                    context={
                        "event": event,
                        "hours": int(lead.total_seconds() // 3600),
                        "url": _event_url(event),
                        "ics_url": settings.SITE_URL.rstrip("/")
                        + reverse("events:ics", args=[event.pk]),
                    },
                )
                sent += 1
        counts[field.removeprefix("reminded_").removesuffix("_at")] = sent
    return counts


# ---------------------------------------------------------------- chapters


@transaction.atomic
def create_chapter(
    *,
    by,
    name: str,
    city: str,
    country: str = "",
    time_zone: str = "UTC",
    description: str = "",
    at: datetime | None = None,
) -> Chapter:
    permissions.check_manage_chapters_permission(by)
    name, city = (name or "").strip(), (city or "").strip()
    if not name:
        raise InvalidInput(_("Give the chapter a name."), field="name")
    if not city:
        raise InvalidInput(_("Say which city the chapter meets in."), field="city")
    try:
        zoneinfo.ZoneInfo(time_zone or "")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(_("Choose a time zone from the list."), field="time_zone") from error
    slug = slugify(name)[:90] or "chapter"
    if Chapter.objects.filter(slug=slug).exists():
        raise Conflict(_("A chapter with this name exists."), field="name")
    description = (description or "").strip()[:DESCRIPTION_MAX]
    return Chapter.objects.create(
        name=name[:100],
        slug=slug,
        city=city[:100],
        country=(country or "").strip()[:100],
        time_zone=time_zone,
        description=description,
        description_html=render_markdown(description) if description else "",
        created_by=by,
        created_at=at or timezone.now(),
    )


def _refresh_member_count(chapter: Chapter) -> None:
    chapter.member_count = ChapterMembership.objects.filter(chapter=chapter).count()
    Chapter.objects.filter(pk=chapter.pk).update(member_count=chapter.member_count)


@transaction.atomic
def join_chapter(*, chapter: Chapter, member, at: datetime | None = None) -> ChapterMembership:
    permissions.check_take_part_permission(member)
    membership, created = ChapterMembership.objects.get_or_create(
        chapter=chapter, member=member, defaults={"joined_at": at or timezone.now()}
    )
    if created:
        _refresh_member_count(chapter)
    return membership


@transaction.atomic
def leave_chapter(*, chapter: Chapter, member) -> None:
    permissions.check_take_part_permission(member)
    membership = ChapterMembership.objects.filter(chapter=chapter, member=member).first()
    if membership is None:
        return
    if membership.role == ChapterRole.ORGANISER:
        raise Conflict(
            _("Organisers step down through the brand team before leaving."), field="chapter"
        )
    membership.delete()
    _refresh_member_count(chapter)


@transaction.atomic
def appoint_organiser(*, chapter: Chapter, member, by) -> ChapterMembership:
    """The brand team makes a trusted member (FLYWHEEL_EVENTS_ORGANISER_TRUST_LEVEL) one of a
    chapter's organisers; they can then schedule its meetups and run them."""
    permissions.check_manage_chapters_permission(by)
    if not member.is_active:
        raise InvalidInput(_("This account is not active."), field="member")
    permissions.check_organiser_eligible(member)
    membership, created = ChapterMembership.objects.get_or_create(
        chapter=chapter,
        member=member,
        defaults={"role": ChapterRole.ORGANISER, "appointed_by": by},
    )
    if not created and membership.role != ChapterRole.ORGANISER:
        membership.role = ChapterRole.ORGANISER
        membership.appointed_by = by
        membership.save(update_fields=["role", "appointed_by"])
    if created:
        _refresh_member_count(chapter)
    member.__dict__.pop("_flywheel_organised_chapters", None)
    return membership


@transaction.atomic
def remove_organiser(*, chapter: Chapter, member, by) -> None:
    permissions.check_manage_chapters_permission(by)
    ChapterMembership.objects.filter(
        chapter=chapter, member=member, role=ChapterRole.ORGANISER
    ).update(role=ChapterRole.MEMBER)
