"""Thin views: the poll in a topic (vote with htmx), starting a topic with a poll, adding
one, the member's surveys and the answer page, and the staff's surveys with results, charts
and the CSV of answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from flywheel.community import permissions as community_permissions
from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError, RateLimited
from flywheel.surveys import permissions, queries, services
from flywheel.surveys.forms import PollForm, PollTopicForm, QuestionFormSet, SurveyForm
from flywheel.surveys.models import SCALES, SurveyStatus
from flywheel.surveys.panels import render_poll
from flywheel.surveys.segments import segment_choices, segment_label


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# ------------------------------------------------------------------------------------ polls


@hub_view
@member_required
def new_poll_topic(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a topic with a poll in it."""
    space = community_permissions.get_visible_space(request.user, slug)
    community_permissions.check_space_post_permission(request.user, space)
    form = PollTopicForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                topic, _poll = services.start_topic_with_poll(
                    author=request.user,
                    space=space,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    question=form.cleaned_data["question"],
                    options=form.option_labels(),
                    allows_multiple=form.cleaned_data["allows_multiple"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                    closes_at=form.cleaned_data["closes_at"],
                )
            except RateLimited:
                raise
            except DomainError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your poll is live."))
                return redirect(topic.get_absolute_url())
    return render(
        request,
        "surveys/poll_form.html",
        {"space": space, "form": form, "topic": None},
        status=status,
    )


@hub_view
@member_required
def add_poll(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = community_permissions.access_topic(request.user, topic_id)
    permissions.check_add_poll_permission(request.user, topic)
    form = PollForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.add_poll(
                    topic=topic,
                    by=request.user,
                    question=form.cleaned_data["question"],
                    options=form.option_labels(),
                    allows_multiple=form.cleaned_data["allows_multiple"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                    closes_at=form.cleaned_data["closes_at"],
                )
            except RateLimited:
                raise
            except DomainError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The poll is added."))
                return redirect(topic.get_absolute_url())
    return render(
        request,
        "surveys/poll_form.html",
        {"space": topic.space, "form": form, "topic": topic},
        status=status,
    )


def _option_ids(request: HttpRequest) -> list[int]:
    return [int(value) for value in request.POST.getlist("option") if value.isdigit()][:20]


@require_POST
@hub_view
@member_required
def vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Vote, then show the results in place (htmx) or on the topic page."""
    poll = permissions.access_poll(request.user, poll_id)
    try:
        services.vote_in_poll(poll=poll, voter=request.user, option_ids=_option_ids(request))
    except RateLimited:
        raise
    except DomainError as error:
        if not request.htmx:
            raise
        return HttpResponse(render_poll(request, poll, error=error.message), status=error.status)
    if request.htmx:
        return HttpResponse(render_poll(request, poll))
    messages.success(request, _("Thanks for voting."))
    return redirect(f"{poll.topic.get_absolute_url()}#poll-{poll.pk}")


@require_POST
@hub_view
@member_required
def close_poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = permissions.access_poll(request.user, poll_id)
    services.close_poll(poll=poll, by=request.user)
    if request.htmx:
        return HttpResponse(render_poll(request, poll))
    return redirect(f"{poll.topic.get_absolute_url()}#poll-{poll.pk}")


# ------------------------------------------------------------------------------------ surveys


@hub_view
@member_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/mine.html",
        {"entries": queries.surveys_for_member(request.user)},
    )


def _answers_from(request: HttpRequest, questions) -> dict[int, object]:
    answers: dict[int, object] = {}
    for question in questions:
        key = f"question_{question.pk}"
        if question.kind == "multiple":
            answers[question.pk] = request.POST.getlist(key)
        else:
            answers[question.pk] = request.POST.get(key, "")
    return answers


@hub_view
@member_required
def answer_survey(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = permissions.access_survey(request.user, survey_id)
    questions = list(queries.survey_questions(survey))
    answered = queries.has_answered(request.user, survey)
    errors: dict[str, str] = {}
    error = ""
    status = 200
    submitted: dict[int, object] = {}
    if request.method == "POST":
        submitted = _answers_from(request, questions)
        try:
            services.answer_survey(survey=survey, member=request.user, answers=submitted)
        except RateLimited:
            raise
        except PermissionDenied:
            raise
        except DomainError as domain_error:
            status = domain_error.status
            if domain_error.field and domain_error.field.startswith("question_"):
                errors[domain_error.field] = domain_error.message
            else:
                error = domain_error.message
        else:
            messages.success(request, _("Thank you: your answers are in."))
            return redirect("surveys:answer", survey_id=survey.pk)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "questions": [
                {
                    "question": question,
                    "field": f"question_{question.pk}",
                    "error": errors.get(f"question_{question.pk}", ""),
                    "value": submitted.get(question.pk, ""),
                    "scale": _scale(question.kind),
                }
                for question in questions
            ],
            "answered": answered,
            "accepting": survey.is_accepting_answers(),
            "error": error,
        },
        status=status,
    )


def _scale(kind: str) -> list[str]:
    if kind not in SCALES:
        return []
    low, high = SCALES[kind]
    return [str(score) for score in range(low, high + 1)]


# ------------------------------------------------------------------------------------ staff


@hub_view
@member_required
def staff_surveys(request: HttpRequest) -> HttpResponse:
    permissions.check_survey_staff_permission(request.user)
    return render(request, "surveys/staff_list.html", {"surveys": queries.staff_surveys()})


@hub_view
@member_required
def staff_new_survey(request: HttpRequest) -> HttpResponse:
    permissions.check_survey_staff_permission(request.user)
    segments = segment_choices()
    form = SurveyForm(request.POST or None, segments=segments)
    formset = QuestionFormSet(request.POST or None, prefix="q")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and formset.is_valid():
            questions = [
                services.QuestionSpec(
                    kind=row.cleaned_data["kind"],
                    prompt=row.cleaned_data["prompt"],
                    choices=row.option_labels(),
                    required=row.cleaned_data["required"],
                )
                for row in formset
                if row.cleaned_data.get("kind") and row.cleaned_data.get("prompt")
            ]
            try:
                survey = services.create_survey(
                    by=request.user,
                    title=form.cleaned_data["title"],
                    intro=form.cleaned_data["intro"],
                    segment=form.cleaned_data["segment"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                    closes_at=form.cleaned_data["closes_at"],
                    questions=questions,
                )
            except DomainError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The survey is saved as a draft."))
                return redirect("surveys:staff_results", survey_id=survey.pk)
    return render(
        request, "surveys/staff_form.html", {"form": form, "formset": formset}, status=status
    )


@hub_view
@member_required
def staff_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    permissions.check_survey_staff_permission(request.user)
    survey = permissions.access_survey(request.user, survey_id)
    results = queries.survey_results(survey)
    return render(
        request,
        "surveys/staff_results.html",
        {
            "survey": survey,
            "results": results,
            "segment": segment_label(survey.segment),
            "chart_data": results.charts(),
            "is_draft": survey.status == SurveyStatus.DRAFT,
            "is_open": survey.status == SurveyStatus.OPEN,
        },
    )


@require_POST
@hub_view
@member_required
def staff_open(request: HttpRequest, survey_id: int) -> HttpResponse:
    permissions.check_survey_staff_permission(request.user)
    survey = permissions.access_survey(request.user, survey_id)
    invited = services.open_survey(survey=survey, by=request.user)
    messages.success(
        request,
        ngettext(
            "The survey is open; %(count)d member was invited.",
            "The survey is open; %(count)d members were invited.",
            invited,
        )
        % {"count": invited},
    )
    return redirect("surveys:staff_results", survey_id=survey.pk)


@require_POST
@hub_view
@member_required
def staff_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    permissions.check_survey_staff_permission(request.user)
    survey = permissions.access_survey(request.user, survey_id)
    services.close_survey(survey=survey, by=request.user)
    messages.success(request, _("The survey is closed."))
    return redirect("surveys:staff_results", survey_id=survey.pk)


@hub_view
@member_required
def staff_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    permissions.check_survey_staff_permission(request.user)
    survey = permissions.access_survey(request.user, survey_id)
    response = HttpResponse(queries.survey_csv(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.csv"'
    return response
