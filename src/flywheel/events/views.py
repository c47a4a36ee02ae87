"""Event pages: the calendar of events, an event's page (RSVP, check-in, AMA questions that
update without reload), the host's console, the schedule form, iCal files, a member's events,
and chapters. Thin: parse, call a service or query, render."""

import functools
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flywheel.accounts.models import User
from flywheel.core import hooks
from flywheel.core.exceptions import DomainError, InvalidInput
from flywheel.events import ical, permissions, queries, services
from flywheel.events.models import EventFormat, EventKind, RegistrationStatus

LIST_SIZE = 50
# htmx stops polling on this status (the event is over: nothing will change any more).
STOP_POLLING = 286
POLL_SECONDS = 3


def _error(request, *, message: str, status: int) -> HttpResponse:
    template = "events/_error.html" if request.htmx else "events/error.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def events_view(view):
    """403/404 and refused input as a page (or an htmx fragment), never a 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return _error(request, message=str(denied) or _("Not allowed."), status=403)
        except Http404 as missing:
            return _error(request, message=str(missing) or _("Not found."), status=404)
        except DomainError as error:
            return _error(request, message=error.message, status=error.status)

    return wrapper


def _sign_in_first(request):
    if request.method != "GET" or request.htmx:
        raise PermissionDenied(_("Sign in first."))
    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")


def _viewer(request):
    return request.user if request.user.is_authenticated else None


# ---------------------------------------------------------------- lists


@events_view
def event_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    upcoming = list(queries.upcoming_events(viewer)[:LIST_SIZE])
    past = list(queries.past_events(viewer)[:12])
    context = {
        "upcoming": upcoming,
        "past": past,
        "statuses": queries.statuses_for(viewer, upcoming + past),
        "chapters": list(queries.chapters()[:20]),
        "can_schedule": permissions.can_schedule_events(request.user),
    }
    return render(request, "events/list.html", context)


@events_view
def my_events(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    registrations = list(queries.my_registrations(request.user)[:100])
    now = timezone.now()
    context = {
        "coming": [r for r in registrations if not r.event.has_ended(now)][::-1],
        "been": [r for r in registrations if r.event.has_ended(now)],
    }
    return render(request, "events/mine.html", context)


# ---------------------------------------------------------------- an event


def _event_links(event, viewer) -> list:
    links = []
    for provide in hooks.event_page_links:
        link = provide(event=event, viewer=viewer)
        if link is not None:
            links.append(link)
    return links


def _questions_context(request, event) -> dict:
    viewer = _viewer(request)
    open_questions, answered = queries.questions_for(viewer, event)
    return {
        "event": event,
        "open_questions": open_questions,
        "answered": answered,
        "voted": queries.voted_question_ids(viewer, event),
        "can_run": permissions.can_run_event(request.user, event),
        "poll_seconds": POLL_SECONDS,
        "now": timezone.now(),
    }


def _rsvp_context(request, event) -> dict:
    registration = queries.registration_of(request.user, event)
    return {
        "event": event,
        "registration": registration,
        "status": registration.status if registration else None,
        "position": queries.waitlist_position(registration),
        "now": timezone.now(),
    }


@events_view
def event_detail(request: HttpRequest, event_id: int, slug: str = "") -> HttpResponse:
    event = queries.event_for_viewer(request.user, event_id)
    if slug != event.slug:
        return redirect(event.get_absolute_url(), permanent=True)
    context = {
        **_rsvp_context(request, event),
        "links": _event_links(event, _viewer(request)),
        "can_run": permissions.can_run_event(request.user, event),
    }
    if event.takes_questions:
        context.update(_questions_context(request, event))
    return render(request, "events/detail.html", context)


@require_POST
@events_view
def rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    event = queries.event_for_viewer(request.user, event_id)
    if request.POST.get("action") == "cancel":
        services.cancel_registration(event=event, member=request.user)
    else:
        services.register_for_event(event=event, member=request.user)
    event = queries.event_for_viewer(request.user, event_id)
    if request.htmx:
        return render(request, "events/_rsvp.html", _rsvp_context(request, event))
    return redirect(event.get_absolute_url())


@require_POST
@events_view
def check_in(request: HttpRequest, event_id: int) -> HttpResponse:
    event = queries.event_for_viewer(request.user, event_id)
    services.check_in(event=event, member=request.user, code=request.POST.get("code", ""))
    if request.htmx:
        event = queries.event_for_viewer(request.user, event_id)
        return render(request, "events/_rsvp.html", _rsvp_context(request, event))
    return redirect(event.get_absolute_url())


def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        event = queries.event_for_viewer(request.user, event_id)
    except Http404 as missing:
        return _error(request, message=str(missing), status=404)
    body = ical.calendar_for([event], name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def events_feed(request: HttpRequest) -> HttpResponse:
    body = ical.calendar_for(
        queries.feed_events(), name=_("%(brand)s events") % {"brand": settings.BRAND_NAME}
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# ---------------------------------------------------------------- AMA questions


@events_view
def questions(request: HttpRequest, event_id: int) -> HttpResponse:
    """GET: the live question board, polled by the page (204 while nothing changed; 286 once
    the event is over, so htmx stops). POST: a member asks; the answer is a fresh form and
    the board, swapped out of band."""
    event = queries.event_for_viewer(request.user, event_id)
    if not event.takes_questions:
        raise Http404(_("This event does not take questions."))
    if request.method == "POST":
        services.ask_question(event=event, author=request.user, body=request.POST.get("body"))
        if not request.htmx:
            return redirect(event.get_absolute_url() + "#questions")
        event = queries.event_for_viewer(request.user, event_id)
        context = {**_questions_context(request, event), "oob": True}
        return render(request, "events/_ask_response.html", context)
    if request.GET.get("v") == str(event.version) and not event.has_ended():
        return HttpResponse(status=204)
    status = STOP_POLLING if event.has_ended() and request.htmx else 200
    return render(
        request, "events/_questions.html", _questions_context(request, event), status=status
    )


def _question_done(request, question) -> HttpResponse:
    event = queries.event_for_viewer(request.user, question.event_id)
    if request.htmx:
        return render(request, "events/_questions.html", _questions_context(request, event))
    return redirect(event.get_absolute_url() + "#questions")


@require_POST
@events_view
def vote(request: HttpRequest, question_id: int) -> HttpResponse:
    question = queries.question_for_viewer(request.user, question_id)
    services.upvote_question(question=question, member=request.user)
    return _question_done(request, question)


@require_POST
@events_view
def answer(request: HttpRequest, question_id: int) -> HttpResponse:
    question = queries.question_for_viewer(request.user, question_id)
    services.answer_question(question=question, by=request.user, answer=request.POST.get("answer"))
    return redirect("events:manage", event_id=question.event_id)


@require_POST
@events_view
def dismiss(request: HttpRequest, question_id: int) -> HttpResponse:
    question = queries.question_for_viewer(request.user, question_id)
    services.dismiss_question(question=question, by=request.user)
    return redirect("events:manage", event_id=question.event_id)


# ---------------------------------------------------------------- running an event


@events_view
def manage(request: HttpRequest, event_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    event = queries.event_for_viewer(request.user, event_id)
    permissions.check_run_event_permission(request.user, event)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel_event":
                services.cancel_event(event=event, by=request.user)
            elif action == "check_in":
                handle = (request.POST.get("handle") or "").strip().lstrip("@")
                member = User.objects.filter(handle__iexact=handle, is_active=True).first()
                if member is None:
                    raise InvalidInput(_("No member has this handle."), field="handle")
                services.check_in_member(event=event, member=member, by=request.user)
            else:
                raise InvalidInput(_("Choose an action."), field="action")
        except DomainError as refused:
            error = refused
        else:
            return redirect("events:manage", event_id=event.pk)
    event = queries.event_for_viewer(request.user, event_id)
    registrations = list(queries.attendees(event))
    context = {
        "event": event,
        "going": [r for r in registrations if r.status == RegistrationStatus.GOING],
        "waitlisted": [r for r in registrations if r.status == RegistrationStatus.WAITLISTED],
        "error": error,
    }
    if event.takes_questions:
        context.update(_questions_context(request, event))
    return render(request, "events/manage.html", context, status=error.status if error else 200)


def _parse_local(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat((value or "").strip())  # naive: the event's zone
    except ValueError:
        return None


def _zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@events_view
def schedule(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    if not permissions.can_schedule_events(request.user):
        raise PermissionDenied(_("Only the brand team and chapter organisers schedule events."))
    chapter_choices = [
        chapter
        for chapter in queries.chapters()
        if permissions.is_events_staff(request.user)
        or permissions.is_chapter_organiser(request.user, chapter)
    ]
    context = {
        "kinds": EventKind.choices,
        "formats": EventFormat.choices,
        "chapters": chapter_choices,
        "zones": _zone_names(),
        "values": {"time_zone": request.user.timezone or "UTC"},
        "error": None,
    }
    if request.method == "POST":
        values = request.POST
        chapter = next((c for c in chapter_choices if str(c.pk) == values.get("chapter")), None)
        try:
            event = services.schedule_event(
                by=request.user,
                title=values.get("title", ""),
                kind=values.get("kind", ""),
                format=values.get("format", ""),
                starts_at=_parse_local(values.get("starts_at")),
                ends_at=_parse_local(values.get("ends_at")),
                time_zone=values.get("time_zone", "UTC"),
                description=values.get("description", ""),
                venue=values.get("venue", ""),
                address=values.get("address", ""),
                online_url=values.get("online_url", ""),
                capacity=values.get("capacity") or None,
                chapter=chapter,
            )
        except DomainError as error:
            context.update(values=values, error=error)
            return render(request, "events/form.html", context, status=error.status)
        return redirect(event.get_absolute_url())
    return render(request, "events/form.html", context)


# ---------------------------------------------------------------- chapters


@events_view
def chapter_list(request: HttpRequest) -> HttpResponse:
    context = {
        "chapters": list(queries.chapters()),
        "can_manage": permissions.is_events_staff(request.user),
    }
    return render(request, "events/chapters.html", context)


@events_view
def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = queries.chapter_by_slug(slug)
    viewer = _viewer(request)
    upcoming = list(queries.upcoming_events(viewer, chapter=chapter)[:LIST_SIZE])
    past = list(queries.past_events(viewer, chapter=chapter)[:12])
    context = {
        "chapter": chapter,
        "organisers": [m.member for m in chapter.organiser_memberships],
        "membership": queries.chapter_membership(viewer, chapter),
        "upcoming": upcoming,
        "past": past,
        "statuses": queries.statuses_for(viewer, upcoming + past),
        "can_manage": permissions.is_events_staff(request.user),
        "can_schedule": permissions.is_events_staff(request.user)
        or permissions.is_chapter_organiser(request.user, chapter),
        "error": None,
    }
    return render(request, "events/chapter.html", context)


@require_POST
@events_view
def chapter_membership(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = queries.chapter_by_slug(slug)
    if request.POST.get("action") == "leave":
        services.leave_chapter(chapter=chapter, member=request.user)
    else:
        services.join_chapter(chapter=chapter, member=request.user)
    return redirect(chapter.get_absolute_url())


@require_POST
@events_view
def chapter_organisers(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = queries.chapter_by_slug(slug)
    permissions.check_manage_chapters_permission(request.user)
    handle = (request.POST.get("handle") or "").strip().lstrip("@")
    member = User.objects.filter(handle__iexact=handle).first()
    if member is None:
        raise InvalidInput(_("No member has this handle."), field="handle")
    if request.POST.get("action") == "remove":
        services.remove_organiser(chapter=chapter, member=member, by=request.user)
    else:
        services.appoint_organiser(chapter=chapter, member=member, by=request.user)
    return redirect(chapter.get_absolute_url())


@events_view
def chapter_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    permissions.check_manage_chapters_permission(request.user)
    context = {"zones": _zone_names(), "values": {"time_zone": "UTC"}, "error": None}
    if request.method == "POST":
        values = request.POST
        try:
            chapter = services.create_chapter(
                by=request.user,
                name=values.get("name", ""),
                city=values.get("city", ""),
                country=values.get("country", ""),
                time_zone=values.get("time_zone", "UTC"),
                description=values.get("description", ""),
            )
        except DomainError as error:
            context.update(values=values, error=error)
            return render(request, "events/chapter_form.html", context, status=error.status)
        return redirect(chapter.get_absolute_url())
    return render(request, "events/chapter_form.html", context)
