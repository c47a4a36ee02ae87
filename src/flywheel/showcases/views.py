"""Showcase pages: the gallery, one showcase, sharing one, and the brand team's decisions.
Thin: parse, call a service or query, render; refusals are a page with the message."""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flywheel.commerce.models import Product
from flywheel.core.exceptions import DomainError
from flywheel.showcases import permissions, queries, services
from flywheel.showcases.models import Showcase, ShowcaseKind

PAGE_SIZE = 24


def _error(request, *, message: str, status: int) -> HttpResponse:
    return render(
        request, "showcases/error.html", {"message": message, "status": status}, status=status
    )


def showcases_view(view):
    """403/404 and refused input as a page, never a 500."""

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


def _visible_or_404(request, showcase_id: int) -> Showcase:
    showcase = queries.showcase_for_viewer(request.user, showcase_id)
    if showcase is None:
        raise Http404(_("This showcase does not exist."))
    return showcase


@showcases_view
def gallery(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ShowcaseKind.values:
        kind = ""
    featured = list(queries.gallery(request.user, featured_only=True)[:4]) if not kind else []
    showcases = list(queries.gallery(request.user, kind=kind)[:PAGE_SIZE])
    context = {
        "featured": featured,
        "showcases": showcases,
        "kind": kind,
        "kinds": ShowcaseKind.choices,
        "pending": list(queries.pending_for_brand_team()[:PAGE_SIZE])
        if permissions.is_brand_team(request.user)
        else [],
    }
    return render(request, "showcases/gallery.html", context)


@showcases_view
def detail(request: HttpRequest, showcase_id: int) -> HttpResponse:
    showcase = _visible_or_404(request, showcase_id)
    user = request.user
    return render(
        request,
        "showcases/detail.html",
        {
            "showcase": showcase,
            "reacted": queries.has_reacted(user, showcase),
            "can_take_part": user.is_authenticated and showcase.state == "published",
            "is_brand_team": permissions.is_brand_team(user),
        },
    )


@showcases_view
def share(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method != "GET":
            raise PermissionDenied(_("Sign in to share a showcase."))
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    context = {
        "kinds": ShowcaseKind.choices,
        "products": list(Product.objects.filter(deleted=False).order_by("title")[:200]),
        "values": {},
        "chosen_products": [],
        "error": None,
    }
    if request.method == "POST":
        try:
            showcase = services.share_showcase(
                author=request.user,
                title=request.POST.get("title", ""),
                story=request.POST.get("story", ""),
                kind=request.POST.get("kind", ""),
                photos=request.FILES.getlist("photos"),
                product_ids=request.POST.getlist("products"),
            )
        except DomainError as error:
            context.update(
                values=request.POST,
                chosen_products=request.POST.getlist("products"),
                error=error,
            )
            return render(request, "showcases/form.html", context, status=error.status)
        return redirect(showcase.get_absolute_url())
    return render(request, "showcases/form.html", context)


@require_POST
@showcases_view
def react(request: HttpRequest, showcase_id: int) -> HttpResponse:
    showcase = _visible_or_404(request, showcase_id)
    services.react_to_showcase(showcase=showcase, member=request.user)
    return redirect(showcase.get_absolute_url())


@require_POST
@showcases_view
def comment(request: HttpRequest, showcase_id: int) -> HttpResponse:
    showcase = _visible_or_404(request, showcase_id)
    services.comment_on_showcase(
        showcase=showcase, author=request.user, body=request.POST.get("body", "")
    )
    return redirect(showcase.get_absolute_url() + "#comments")


@require_POST
@showcases_view
def flag(request: HttpRequest, showcase_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in to flag."))
    showcase = _visible_or_404(request, showcase_id)
    services.flag_showcase(
        showcase=showcase,
        flagger=request.user,
        reason=request.POST.get("reason", ""),
        text=request.POST.get("text", ""),
    )
    return render(request, "showcases/flagged.html", {"showcase": showcase})


@require_POST
@showcases_view
def decide(request: HttpRequest, showcase_id: int, decision: str) -> HttpResponse:
    permissions.check_brand_team_permission(request.user)
    showcase = get_object_or_404(Showcase.objects.select_related("author"), pk=showcase_id)
    if decision == "feature":
        services.feature_showcase(showcase=showcase, by=request.user, featured=True)
    elif decision == "unfeature":
        services.feature_showcase(showcase=showcase, by=request.user, featured=False)
    elif decision == "publish":
        services.publish_showcase(showcase=showcase, by=request.user)
    else:
        services.reject_showcase(showcase=showcase, by=request.user)
    return redirect(showcase.get_absolute_url())
