"""Trial pages: the open trials a member qualifies for (/trials/), a trial's page with the
application form, and the brand team's pages under /manage/trials/ (the list, the form that
opens a trial, and the results page where testers are selected, drawn and shipped). Thin:
check, parse, call a service or queries.py, render."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError
from flywheel.trials import permissions, queries, services
from flywheel.trials.forms import TrialForm
from flywheel.trials.models import Trial

STAFF_LIST_SIZE = 100


def _trial_or_404(trial_id: int) -> Trial:
    trial = queries.trial_for_page(trial_id)
    if trial is None:
        raise Http404(_("This trial does not exist."))
    return trial


# ---------------------------------------------------------------- members


@require_GET
@member_required
@hub_view
def trial_list(request: HttpRequest) -> HttpResponse:
    trials = list(queries.open_trials_for(request.user))
    applications = list(queries.member_applications(request.user))
    applied_ids = {application.trial_id for application in applications}
    return render(
        request,
        "trials/list.html",
        {
            "trials": [trial for trial in trials if trial.pk not in applied_ids],
            "applications": applications,
            "now": timezone.now(),
        },
    )


@require_GET
@member_required
@hub_view
def trial_detail(request: HttpRequest, trial_id: int) -> HttpResponse:
    trial = _trial_or_404(trial_id)
    application = queries.application_of(request.user, trial)
    permissions.check_view_trial_permission(request.user, trial, application)
    return _detail_page(request, trial=trial, application=application)


def _detail_page(request, *, trial, application, answer="", error="", status=200):
    now = timezone.now()
    eligible = application is None and permissions.in_segment(
        trial, permissions.standing_of(request.user)
    )
    return render(
        request,
        "trials/detail.html",
        {
            "trial": trial,
            "application": application,
            "stage": application.stage(now) if application else None,
            "can_apply": eligible and trial.takes_applications(now),
            "answer": answer,
            "error": error,
            "is_staff": permissions.is_trials_staff(request.user),
        },
        status=status,
    )


@require_POST
@member_required
@hub_view
def apply(request: HttpRequest, trial_id: int) -> HttpResponse:
    trial = _trial_or_404(trial_id)
    answer = request.POST.get("answer", "")
    try:
        application = services.apply_to_trial(trial=trial, member=request.user, answer=answer)
    except DomainError as error:
        if error.status == 429:
            raise
        existing = queries.application_of(request.user, trial)
        return _detail_page(
            request,
            trial=trial,
            application=existing,
            answer=answer,
            error=error.message,
            status=error.status,
        )
    messages.success(request, _("Thanks for applying. We will e-mail you if you are selected."))
    return redirect(application.trial.get_absolute_url())


@require_POST
@member_required
@hub_view
def withdraw(request: HttpRequest, trial_id: int) -> HttpResponse:
    trial = _trial_or_404(trial_id)
    services.withdraw_application(trial=trial, member=request.user)
    messages.success(request, _("Your application is withdrawn."))
    return redirect(trial.get_absolute_url())


@require_POST
@member_required
@hub_view
def received(request: HttpRequest, trial_id: int) -> HttpResponse:
    trial = _trial_or_404(trial_id)
    application = queries.application_of(request.user, trial)
    if application is None:
        raise Http404(_("You did not apply to this trial."))
    services.mark_received(application=application, member=request.user)
    messages.success(request, _("Thanks! Your feedback is due by the date on this page."))
    return redirect(trial.get_absolute_url())


# ---------------------------------------------------------------- the brand team


def _console(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {
        "section": "trials",
        "can_see_commerce": request.user.is_community_admin,
        **context,
    }
    return render(request, template, context, status=status)


@require_GET
@member_required
@hub_view
def staff_list(request: HttpRequest) -> HttpResponse:
    permissions.check_run_trials_permission(request.user)
    trials = list(queries.staff_trials()[:STAFF_LIST_SIZE])
    return _console(request, "trials/staff_list.html", {"trials": trials, "now": timezone.now()})


@require_http_methods(["GET", "POST"])
@member_required
@hub_view
def staff_new(request: HttpRequest) -> HttpResponse:
    permissions.check_run_trials_permission(request.user)
    if request.method == "GET":
        return _console(request, "trials/staff_form.html", {"form": TrialForm()})
    form = TrialForm(request.POST)
    if not form.is_valid():
        return _console(request, "trials/staff_form.html", {"form": form}, status=422)
    data = form.cleaned_data
    try:
        trial = services.open_trial(by=request.user, **data)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _console(request, "trials/staff_form.html", {"form": form}, status=error.status)
    messages.success(request, _("The trial is open for applications."))
    return redirect("trials:staff_results", trial_id=trial.pk)


@require_GET
@member_required
@hub_view
def staff_results(request: HttpRequest, trial_id: int) -> HttpResponse:
    permissions.check_run_trials_permission(request.user)
    trial = _trial_or_404(trial_id)
    now = timezone.now()
    return _console(
        request,
        "trials/staff_results.html",
        {"trial": trial, "results": queries.trial_results(trial, now=now), "now": now},
    )


def _staff_action(request, trial_id: int, action) -> HttpResponse:
    permissions.check_run_trials_permission(request.user)
    trial = _trial_or_404(trial_id)
    try:
        message = action(trial)
    except DomainError as error:
        if error.status == 429:
            raise
        messages.error(request, error.message)
        now = timezone.now()
        return _console(
            request,
            "trials/staff_results.html",
            {"trial": trial, "results": queries.trial_results(trial, now=now), "now": now},
            status=error.status,
        )
    messages.success(request, message)
    return redirect("trials:staff_results", trial_id=trial.pk)


@require_POST
@member_required
@hub_view
def staff_select(request: HttpRequest, trial_id: int) -> HttpResponse:
    def select(trial):
        chosen = services.select_testers(
            trial=trial, by=request.user, application_ids=request.POST.getlist("application")
        )
        return _("%(count)d testers selected.") % {"count": len(chosen)}

    return _staff_action(request, trial_id, select)


@require_POST
@member_required
@hub_view
def staff_draw(request: HttpRequest, trial_id: int) -> HttpResponse:
    def draw(trial):
        chosen = services.draw_testers(
            trial=trial, by=request.user, seed=request.POST.get("seed", "")
        )
        return _("%(count)d testers drawn.") % {"count": len(chosen)}

    return _staff_action(request, trial_id, draw)


@require_POST
@member_required
@hub_view
def staff_ship(request: HttpRequest, trial_id: int) -> HttpResponse:
    def ship(trial):
        raw = request.POST.get("application", "")
        application = queries.application_in_trial(trial, raw)
        if application is None:
            raise Http404(_("This tester is not part of the trial."))
        services.mark_shipped(application=application, by=request.user)
        return _("Marked as shipped.")

    return _staff_action(request, trial_id, ship)
