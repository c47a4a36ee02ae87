"""Ideas, feedback boards and the roadmap as pages (htmx for support, votes and similar ideas).
Thin: parse, call a service or a query, render. Refusals are a page (or an htmx fragment)
with the message and a 4xx, never a 500."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from flywheel.core.exceptions import DomainError
from flywheel.ideas import permissions, queries, services
from flywheel.ideas.milestones import milestones
from flywheel.ideas.models import (
    STAFF_TRANSITIONS,
    FeedbackBoard,
    IdeaCategory,
    IdeaComment,
    IdeaStatus,
    RequestStatus,
    RewardKind,
)
from flywheel.moderation.models import MEMBER_FLAG_REASONS

PAGE_SIZE = 20


def _error(request, *, message: str, status: int) -> HttpResponse:
    template = "ideas/_error.html" if request.htmx else "ideas/error.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def ideas_view(view):
    """403/404 and refused input as a page (or an htmx fragment), never a 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            if not request.user.is_authenticated and not request.htmx:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            return _error(request, message=str(denied) or _("Not allowed."), status=403)
        except Http404 as missing:
            return _error(request, message=str(missing) or _("Not found."), status=404)
        except DomainError as error:
            return _error(request, message=error.message, status=error.status)

    return wrapper


def _viewer(request):
    return request.user if request.user.is_authenticated else None


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


# ---------------------------------------------------------------- ideas


@require_GET
@ideas_view
def idea_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    status = status if status in IdeaStatus.values else None
    category = request.GET.get("category") or None
    sort = request.GET.get("sort", queries.DEFAULT_SORT)
    sort = sort if sort in queries.SORTS else queries.DEFAULT_SORT
    ideas = queries.ideas_list(_viewer(request), status=status, category=category, sort=sort)
    page = Paginator(ideas.prefetch_related(queries.first_images()), PAGE_SIZE).get_page(
        _page_number(request)
    )
    context = {
        "page": page,
        "ideas": list(page.object_list),
        "status": status,
        "category": category,
        "sort": sort,
        "statuses": IdeaStatus.choices,
        "categories": list(IdeaCategory.objects.all()),
        "sorts": [
            ("popular", _("Most supported")),
            ("newest", _("Newest")),
            ("ending", _("Window closing soon")),
        ],
    }
    context["supported"] = queries.supported_idea_ids(_viewer(request), context["ideas"])
    return render(request, "ideas/list.html", context)


@ideas_view
def submit(request: HttpRequest) -> HttpResponse:
    permissions.check_member(_viewer(request), _("Sign in to submit an idea."))
    categories = list(IdeaCategory.objects.all())
    values = {"title": "", "description": "", "category": ""}
    error = None
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        category = next((c for c in categories if str(c.pk) == values["category"]), None)
        try:
            idea = services.submit_idea(
                author=request.user,
                title=values["title"],
                description=values["description"],
                category=category,
                images=request.FILES.getlist("images"),
            )
        except DomainError as refused:
            error = refused
        else:
            first = milestones()[0]
            messages.success(
                request,
                ngettext(
                    "Your idea is live. Share it: it has %(days)d days to win its first "
                    "%(count)d supporter.",
                    "Your idea is live. Share it: it has %(days)d days to win its first "
                    "%(count)d supporters.",
                    first.supporters,
                )
                % {"days": first.days, "count": first.supporters},
            )
            return redirect(idea.get_absolute_url())
    context = {
        "values": values,
        "categories": categories,
        "error": error,
        "max_images": services.MAX_IMAGES,
    }
    return render(request, "ideas/form.html", context, status=422 if error else 200)


@require_GET
@ideas_view
def similar(request: HttpRequest) -> HttpResponse:
    ideas = queries.similar_ideas(request.GET.get("title", ""), viewer=_viewer(request))
    return render(request, "ideas/_similar.html", {"similar": ideas})


def _detail_context(request, idea_id: int) -> dict:
    viewer = _viewer(request)
    idea = queries.idea_for_page(viewer, idea_id)
    return {
        "idea": idea,
        "progress": queries.progress_of(idea),
        "supports": queries.viewer_supports(viewer, idea),
        "recent_supporters": queries.recent_supporters(idea),
        "comments": list(queries.idea_comments(viewer, idea)),
        "can_manage": permissions.can_manage_ideas(viewer),
        "next_statuses": [
            (value, IdeaStatus(value).label) for value in STAFF_TRANSITIONS[idea.status]
        ],
        "reward_kinds": RewardKind.choices,
        "flag_reasons": MEMBER_FLAG_REASONS,
    }


@require_GET
@ideas_view
def detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    return render(request, "ideas/detail.html", _detail_context(request, idea_id))


def _support_panel(request, idea_id: int) -> HttpResponse:
    if request.htmx:
        return render(request, "ideas/_support.html", _detail_context(request, idea_id))
    return redirect("ideas:detail", idea_id=idea_id)


@require_POST
@ideas_view
def support(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = permissions.access_idea(_viewer(request), idea_id)
    services.support_idea(idea=idea, member=request.user)
    return _support_panel(request, idea_id)


@require_POST
@ideas_view
def withdraw(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = permissions.access_idea(_viewer(request), idea_id)
    services.withdraw_support(idea=idea, member=request.user)
    return _support_panel(request, idea_id)


@require_POST
@ideas_view
def comment(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = permissions.access_idea(_viewer(request), idea_id)
    new = services.comment_on_idea(
        idea=idea, author=request.user, body=request.POST.get("body", "")
    )
    return redirect(f"{idea.get_absolute_url()}#comment-{new.pk}")


@require_POST
@ideas_view
def flag_idea(request: HttpRequest, idea_id: int) -> HttpResponse:
    permissions.check_member(_viewer(request), _("Sign in to flag."))
    idea = permissions.access_idea(_viewer(request), idea_id)
    services.flag_idea(
        idea=idea,
        flagger=request.user,
        reason=request.POST.get("reason", ""),
        text=request.POST.get("text", ""),
    )
    messages.success(request, _("Thank you. The moderators will take a look."))
    return redirect(idea.get_absolute_url())


@require_POST
@ideas_view
def flag_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    permissions.check_member(_viewer(request), _("Sign in to flag."))
    target = get_object_or_404(IdeaComment, pk=comment_id)
    idea = permissions.access_idea(_viewer(request), target.idea_id)
    if not permissions.filter_comments_queryset(
        request.user, IdeaComment.objects.filter(pk=target.pk)
    ).exists():
        raise Http404(_("No such comment."))
    services.flag_comment(
        comment=target,
        flagger=request.user,
        reason=request.POST.get("reason", ""),
        text=request.POST.get("text", ""),
    )
    messages.success(request, _("Thank you. The moderators will take a look."))
    return redirect(idea.get_absolute_url())


@require_POST
@ideas_view
def change_status(request: HttpRequest, idea_id: int) -> HttpResponse:
    permissions.check_manage_permission(_viewer(request))
    idea = permissions.access_idea(request.user, idea_id)
    services.change_idea_status(
        idea=idea,
        by=request.user,
        status=request.POST.get("status", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Status changed. The creator and every supporter are told."))
    return redirect(idea.get_absolute_url())


@require_POST
@ideas_view
def reward(request: HttpRequest, idea_id: int) -> HttpResponse:
    permissions.check_manage_permission(_viewer(request))
    idea = permissions.access_idea(request.user, idea_id)
    services.record_creator_reward(
        idea=idea,
        by=request.user,
        kind=request.POST.get("kind", ""),
        revenue_share_percent=request.POST.get("revenue_share_percent") or None,
        description=request.POST.get("description", ""),
    )
    messages.success(request, _("The creator's reward is recorded."))
    return redirect(idea.get_absolute_url())


@require_POST
@ideas_view
def visibility(request: HttpRequest, idea_id: int) -> HttpResponse:
    permissions.check_manage_permission(_viewer(request))
    idea = permissions.access_idea(request.user, idea_id)
    services.set_idea_hidden(idea=idea, by=request.user, hidden=request.POST.get("hidden") == "1")
    return redirect(idea.get_absolute_url())


# ---------------------------------------------------------------- feedback boards


@require_GET
@ideas_view
def board_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ideas/boards.html", {"boards": list(queries.boards())})


def _board_context(request, board: FeedbackBoard) -> dict:
    status = request.GET.get("status") or None
    status = status if status in RequestStatus.values else None
    page = Paginator(
        queries.board_requests(_viewer(request), board, status=status), PAGE_SIZE
    ).get_page(_page_number(request))
    requests = list(page.object_list)
    return {
        "board": board,
        "page": page,
        "requests": requests,
        "status": status,
        "statuses": [
            choice for choice in RequestStatus.choices if choice[0] != RequestStatus.MERGED
        ],
        "voted": queries.voted_request_ids(_viewer(request), requests),
        "values": {"title": "", "body": ""},
    }


@require_GET
@ideas_view
def board(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(FeedbackBoard, slug=slug)
    return render(request, "ideas/board.html", _board_context(request, board))


@require_POST
@ideas_view
def new_request(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(FeedbackBoard, slug=slug)
    permissions.check_member(_viewer(request), _("Sign in to request a feature."))
    try:
        created = services.request_feature(
            board=board,
            author=request.user,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        )
    except DomainError as refused:
        context = _board_context(request, board)
        context["error"] = refused
        context["values"] = {
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
        }
        return render(request, "ideas/board.html", context, status=refused.status)
    return redirect(created.get_absolute_url())


def _request_context(request, request_id: int) -> dict:
    viewer = _viewer(request)
    feature = permissions.access_request(viewer, request_id)
    return {
        "feature": feature,
        "voted": bool(queries.voted_request_ids(viewer, [feature])),
        "can_manage": permissions.can_manage_ideas(viewer),
        "statuses": [
            choice for choice in RequestStatus.choices if choice[0] != RequestStatus.MERGED
        ],
        "merge_candidates": list(
            queries.board_requests(viewer, feature.board).exclude(pk=feature.pk)[:50]
        )
        if permissions.can_manage_ideas(viewer)
        else [],
    }


@require_GET
@ideas_view
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return render(request, "ideas/request.html", _request_context(request, request_id))


def _vote_panel(request, request_id: int) -> HttpResponse:
    if request.htmx:
        return render(request, "ideas/_vote.html", _request_context(request, request_id))
    return redirect("ideas:request", request_id=request_id)


@require_POST
@ideas_view
def vote(request: HttpRequest, request_id: int) -> HttpResponse:
    feature = permissions.access_request(_viewer(request), request_id)
    services.vote_for_request(request=feature, member=request.user)
    return _vote_panel(request, request_id)


@require_POST
@ideas_view
def unvote(request: HttpRequest, request_id: int) -> HttpResponse:
    feature = permissions.access_request(_viewer(request), request_id)
    services.withdraw_vote(request=feature, member=request.user)
    return _vote_panel(request, request_id)


@require_POST
@ideas_view
def merge(request: HttpRequest, request_id: int) -> HttpResponse:
    permissions.check_manage_permission(_viewer(request))
    source = permissions.access_request(request.user, request_id)
    try:
        into_id = int(request.POST.get("into", ""))
    except ValueError as error:
        raise DomainError(_("Choose the request to merge into."), field="into") from error
    into = permissions.access_request(request.user, into_id)
    services.merge_requests(source=source, into=into, by=request.user)
    messages.success(request, _("Merged. Every vote now counts once on this request."))
    return redirect(into.get_absolute_url())


@require_POST
@ideas_view
def request_status(request: HttpRequest, request_id: int) -> HttpResponse:
    permissions.check_manage_permission(_viewer(request))
    feature = permissions.access_request(request.user, request_id)
    services.change_request_status(
        request=feature, by=request.user, status=request.POST.get("status", "")
    )
    return redirect(feature.get_absolute_url())


@require_GET
@ideas_view
def roadmap(request: HttpRequest) -> HttpResponse:
    return render(request, "ideas/roadmap.html", {"roadmap": queries.roadmap(_viewer(request))})
