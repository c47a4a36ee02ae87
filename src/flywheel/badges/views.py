"""Badge pages: the directory, one badge with its holders, and staff giving a badge."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flywheel.badges import queries, services
from flywheel.badges.models import Badge
from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError

BADGES_PER_PAGE = 30
HOLDERS_PER_PAGE = 50


def _badge_or_404(slug: str) -> Badge:
    badge = queries.badge_by_slug(slug)
    if badge is None:
        raise Http404(_("No such badge."))
    return badge


@require_GET
@hub_view
def directory(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.badge_directory(), BADGES_PER_PAGE).get_page(request.GET.get("page"))
    badges = list(page.object_list)
    holders = queries.recent_holders([badge.pk for badge in badges])
    for badge in badges:
        badge.recent_holders = holders.get(badge.pk, [])
    return render(request, "badges/directory.html", {"page_obj": page, "badges": badges})


def _detail_context(request: HttpRequest, badge: Badge) -> dict:
    page = Paginator(queries.holders_of(badge), HOLDERS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "badge": badge,
        "page_obj": page,
        "grants": list(page.object_list),
        "can_manage": services.can_manage_badges(request.user),
    }


@require_GET
@hub_view
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    badge = _badge_or_404(slug)
    return render(request, "badges/detail.html", _detail_context(request, badge))


@require_POST
@hub_view
@member_required
def award(request: HttpRequest, slug: str) -> HttpResponse:
    badge = _badge_or_404(slug)
    services.check_badge_manage_permission(request.user)
    handle = (request.POST.get("handle") or "").strip().lstrip("@")[:30]
    reason = (request.POST.get("reason") or "")[:1000]
    member = get_user_model().objects.filter(handle__iexact=handle, is_active=True).first()
    try:
        if member is None:
            raise DomainError(_("No member has the handle “%(handle)s”.") % {"handle": handle})
        services.grant_badge_by_staff(badge=badge, member=member, by=request.user, reason=reason)
    except PermissionDenied:
        raise
    except DomainError as error:
        context = _detail_context(request, badge)
        context.update(
            {"award_error": error.message, "award_handle": handle, "award_reason": reason}
        )
        return render(request, "badges/detail.html", context, status=error.status)
    messages.success(
        request,
        _("%(member)s now holds “%(badge)s”.") % {"member": member.name, "badge": badge.name},
    )
    return redirect(badge.get_absolute_url())
