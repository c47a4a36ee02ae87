"""The content calendar at /manage/calendar/: the brand team only. Thin: check the role,
parse, call a service or queries.py, render. Times are shown and entered in the viewer's
time zone (activated by accounts.middleware)."""

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError, InvalidInput, RateLimited
from flywheel.programming import queries, services
from flywheel.programming.forms import DRAFT, SCHEDULE, CalendarItemForm
from flywheel.programming.models import CalendarItem
from flywheel.programming.permissions import check_calendar_permission


def _parse_month(raw: str) -> dt.date:
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        first = dt.datetime.strptime(raw, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError:
        raise InvalidInput(_("Give the month as YYYY-MM."), field="month") from None
    if not 1970 <= first.year <= 9998:
        raise InvalidInput(_("Give the month as YYYY-MM."), field="month")
    return first


def _month_url(day: dt.date) -> str:
    return f"{reverse('programming:month')}?month={day:%Y-%m}"


@require_GET
@member_required
@hub_view
def month(request: HttpRequest) -> HttpResponse:
    check_calendar_permission(request.user)
    first = _parse_month(request.GET.get("month", ""))
    zone = timezone.get_current_timezone()
    calendar = queries.calendar_month(first=first, zone=zone, today=timezone.localdate())
    return render(
        request,
        "programming/month.html",
        {
            "section": "calendar",
            "month": calendar,
            "zone_name": str(zone),
            "promotional_limit": round(queries.PROMOTIONAL_LIMIT * 100),
            "can_see_commerce": request.user.is_community_admin,
        },
    )


def _save(request, form: CalendarItemForm, item: CalendarItem | None):
    data = form.cleaned_data
    arguments = {
        "by": request.user,
        "space": data["space"],
        "title": data["title"],
        "body": data["body"],
        "kind": data["kind"],
        "label": data["label"],
        "scheduled_at": data["scheduled_at"],
        "schedule": data["state"] == SCHEDULE,
    }
    if item is None:
        return services.plan_calendar_item(**arguments)
    return services.edit_calendar_item(item=item, **arguments)


def _form_page(request, *, form, item, status=200) -> HttpResponse:
    return render(
        request,
        "programming/item_form.html",
        {
            "section": "calendar",
            "form": form,
            "item": item,
            "zone_name": str(timezone.get_current_timezone()),
            "can_see_commerce": request.user.is_community_admin,
        },
        status=status,
    )


def _handle_form(request, item: CalendarItem | None) -> HttpResponse:
    if request.method == "GET":
        if item is None:
            initial = {"state": SCHEDULE}
            day = request.GET.get("day", "")
            try:
                chosen = dt.date.fromisoformat(day) if day else timezone.localdate()
            except ValueError:
                raise InvalidInput(_("Give the day as YYYY-MM-DD."), field="day") from None
            initial["scheduled_at"] = dt.datetime.combine(
                chosen, dt.time(10, 0), tzinfo=timezone.get_current_timezone()
            )
        else:
            initial = {
                "title": item.title,
                "body": item.body,
                "space": item.space_id,
                "kind": item.kind,
                "label": item.label,
                "scheduled_at": timezone.localtime(item.scheduled_at),
                "state": DRAFT if item.state == "draft" else SCHEDULE,
            }
        return _form_page(request, form=CalendarItemForm(initial=initial), item=item)
    form = CalendarItemForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form=form, item=item, status=422)
    try:
        saved = _save(request, form, item)
    except RateLimited:
        raise
    except DomainError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            form.add_error(None, error.message)
        return _form_page(request, form=form, item=item, status=error.status)
    messages.success(request, _("Saved to the calendar."))
    return redirect(_month_url(timezone.localtime(saved.scheduled_at).date()))


@require_http_methods(["GET", "POST"])
@member_required
@hub_view
def item_new(request: HttpRequest) -> HttpResponse:
    check_calendar_permission(request.user)
    return _handle_form(request, None)


@require_http_methods(["GET", "POST"])
@member_required
@hub_view
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    check_calendar_permission(request.user)
    item = get_object_or_404(CalendarItem.objects.select_related("space", "topic"), pk=item_id)
    return _handle_form(request, item)


@require_POST
@member_required
@hub_view
def item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    check_calendar_permission(request.user)
    item = get_object_or_404(CalendarItem, pk=item_id)
    day = timezone.localtime(item.scheduled_at).date()
    services.delete_calendar_item(item=item, by=request.user)
    messages.success(request, _("Removed from the calendar."))
    return redirect(_month_url(day))
