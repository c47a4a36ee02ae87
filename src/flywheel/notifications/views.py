from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from flywheel.notifications import queries, services

PAGE_SIZE = 20
# The bell listens for this event (see _bell.html) to refresh its badge at once.
CHANGED_EVENT = "notifications-changed"


def member_required(view):
    """Sign-in redirect for pages; an htmx poll from a signed-out tab gets an empty 204."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                return HttpResponse(status=204)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _list_context(request: HttpRequest) -> dict:
    paginator = Paginator(queries.notifications_for(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {"page": page, "notifications": page.object_list}


@require_GET
@member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/list.html", _list_context(request))


@require_GET
@member_required
def bell(request: HttpRequest) -> HttpResponse:
    """The navbar bell with its unread badge and latest notifications (polled by htmx)."""
    # One scoped queryset for both: scoping asks the gates once (community.permissions).
    visible = queries.notifications_for(request.user)
    context = {
        "bell_loaded": True,
        "unread": visible.filter(read_at__isnull=True).count(),
        "latest": list(visible[: queries.BELL_SIZE]),
    }
    return render(request, "notifications/_bell.html", context)


@require_POST
@member_required
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(queries.notifications_for(request.user), pk=notification_id)
    services.mark_read(member=request.user, notification_ids=[notification.pk])
    if not request.htmx:
        return redirect("notifications:list")
    notification.refresh_from_db(fields=["read_at"])
    response = render(request, "notifications/_item.html", {"notification": notification})
    response["HX-Trigger"] = CHANGED_EVENT
    return response


@require_POST
@member_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(member=request.user)
    if not request.htmx:
        return redirect("notifications:list")
    response = render(request, "notifications/_list.html", _list_context(request))
    response["HX-Trigger"] = CHANGED_EVENT
    return response
