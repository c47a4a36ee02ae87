"""Challenge pages: the list, a challenge's page (join, check in, own progress, the board,
recent check-ins) and the brand team's create/edit pages under /manage/challenges/. Thin:
check, parse, call a service or queries.py, render."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.challenges import permissions, queries, services
from flywheel.challenges.forms import ChallengeForm, CheckInForm
from flywheel.challenges.models import Challenge
from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError, RateLimited


def _visible(request, challenge_id: int) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("space", "badge"), pk=challenge_id
    )
    permissions.check_view_challenge_permission(request.user, challenge)
    return challenge


@require_GET
@hub_view
def challenge_list(request: HttpRequest) -> HttpResponse:
    today = (
        services.local_day(request.user, timezone.now())
        if request.user.is_authenticated
        else timezone.localdate()
    )
    return render(
        request,
        "challenges/list.html",
        {
            "lists": queries.challenge_lists(request.user, today=today),
            "can_manage": permissions.can_manage_challenges(request.user),
        },
    )


def _detail_page(request, challenge: Challenge, *, form=None, error: str = "", status=200):
    now = timezone.now()
    viewer = request.user if request.user.is_authenticated else None
    progress = queries.member_progress(challenge, viewer, now=now)
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "progress": progress,
            "board": queries.progress_board(challenge, now=now),
            "recent": queries.recent_check_ins(challenge),
            "form": form or CheckInForm(),
            "error": error,
            "may_join": viewer is not None
            and progress is None
            and services.local_day(viewer, now) <= challenge.ends_on,
            "zone_name": str(services.member_zone(viewer)) if viewer else "",
            "can_manage": permissions.can_manage_challenges(request.user),
        },
        status=status,
    )


@require_GET
@hub_view
def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _detail_page(request, _visible(request, challenge_id))


@require_POST
@member_required
@hub_view
def join(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _visible(request, challenge_id)
    try:
        services.join_challenge(challenge=challenge, member=request.user)
    except RateLimited:
        raise
    except DomainError as error:
        return _detail_page(request, challenge, error=error.message, status=error.status)
    messages.success(request, _("You joined the challenge. Check in once a day."))
    return redirect(challenge.get_absolute_url())


@require_POST
@member_required
@hub_view
def check_in(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = _visible(request, challenge_id)
    form = CheckInForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, challenge, form=form, status=422)
    try:
        entry = services.check_in(
            challenge=challenge,
            member=request.user,
            text=form.cleaned_data["text"],
            photo=form.cleaned_data["photo"],
        )
    except RateLimited:
        raise
    except DomainError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
            return _detail_page(request, challenge, form=form, status=error.status)
        return _detail_page(request, challenge, form=form, error=error.message, status=error.status)
    participation = entry.participation
    if participation.completed_at is not None and participation.completed_at == entry.created_at:
        messages.success(request, _("Challenge complete! Your badge is on its way."))
    else:
        messages.success(request, _("Checked in. See you tomorrow!"))
    return redirect(challenge.get_absolute_url())


# ---------------------------------------------------------------- staff


@require_GET
@member_required
@hub_view
def manage_list(request: HttpRequest) -> HttpResponse:
    permissions.check_manage_challenges_permission(request.user)
    return render(
        request,
        "challenges/manage.html",
        {
            "section": "challenges",
            "challenges": Challenge.objects.select_related("space", "badge").order_by(
                "-starts_on", "-pk"
            )[:200],
            "can_see_commerce": request.user.is_community_admin,
        },
    )


def _form_page(request, *, form, challenge, status=200) -> HttpResponse:
    return render(
        request,
        "challenges/form.html",
        {
            "section": "challenges",
            "form": form,
            "challenge": challenge,
            "can_see_commerce": request.user.is_community_admin,
        },
        status=status,
    )


def _handle_form(request, challenge: Challenge | None) -> HttpResponse:
    if request.method == "GET":
        initial = {}
        if challenge is not None:
            initial = {
                "title": challenge.title,
                "description": challenge.description,
                "starts_on": challenge.starts_on,
                "ends_on": challenge.ends_on,
                "target_check_ins": challenge.target_check_ins,
                "space": challenge.space_id,
                "badge_name": challenge.badge.name if challenge.badge else "",
            }
        return _form_page(request, form=ChallengeForm(initial=initial), challenge=challenge)
    form = ChallengeForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form=form, challenge=challenge, status=422)
    arguments = {"by": request.user, **form.cleaned_data}
    try:
        if challenge is None:
            saved = services.create_challenge(**arguments)
        else:
            saved = services.edit_challenge(challenge=challenge, **arguments)
    except RateLimited:
        raise
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _form_page(request, form=form, challenge=challenge, status=error.status)
    messages.success(request, _("Challenge saved."))
    return redirect(saved.get_absolute_url())


@require_http_methods(["GET", "POST"])
@member_required
@hub_view
def manage_new(request: HttpRequest) -> HttpResponse:
    permissions.check_manage_challenges_permission(request.user)
    return _handle_form(request, None)


@require_http_methods(["GET", "POST"])
@member_required
@hub_view
def manage_edit(request: HttpRequest, challenge_id: int) -> HttpResponse:
    permissions.check_manage_challenges_permission(request.user)
    challenge = get_object_or_404(Challenge.objects.select_related("badge"), pk=challenge_id)
    return _handle_form(request, challenge)
