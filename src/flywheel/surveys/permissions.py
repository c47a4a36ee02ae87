"""Who may add a poll, vote, see results, answer a survey and manage surveys.

A poll lives in a topic, so whoever may not see the topic may not see or answer its poll:
every poll is reached through community.permissions.access_topic. Denials raise
PermissionDenied (403) or Http404."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.community import permissions as community_permissions
from flywheel.surveys.models import Poll, Survey, SurveyInvitation, SurveyStatus


def is_survey_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_brand_team))


def check_survey_staff_permission(user) -> None:
    if not is_survey_staff(user):
        raise PermissionDenied(_("Surveys are managed by the brand team."))


def can_add_poll(user, topic) -> bool:
    if not user.is_authenticated:
        return False
    return topic.author_id == user.pk or community_permissions.is_moderator_of(user, topic.space)


def check_add_poll_permission(user, topic) -> None:
    if not can_add_poll(user, topic):
        raise PermissionDenied(_("Only the topic's author and the moderators can add a poll."))


def check_vote_permission(user, poll: Poll) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to vote."))
    if poll.is_closed():
        raise PermissionDenied(_("This poll is closed."))


def access_poll(user, poll_id: int) -> Poll:
    """The poll, with its topic and space, if the user may see its topic (the one getter)."""
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        raise Http404(_("No such poll."))
    poll.topic = community_permissions.access_topic(user, poll.topic_id)
    return poll


def is_invited(user, survey: Survey) -> bool:
    return bool(
        user.is_authenticated
        and SurveyInvitation.objects.filter(survey=survey, member=user).exists()
    )


def access_survey(user, survey_id: int) -> Survey:
    """A survey the user was invited to (or any, for the brand team); drafts for staff only."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise Http404(_("No such survey."))
    if is_survey_staff(user):
        return survey
    if survey.status == SurveyStatus.DRAFT or not is_invited(user, survey):
        raise Http404(_("No such survey."))
    return survey


def filter_surveys_queryset(user, queryset: QuerySet[Survey] | None = None) -> QuerySet[Survey]:
    """The surveys a member was invited to (open or closed); none for signed-out visitors."""
    queryset = Survey.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    invited = SurveyInvitation.objects.filter(member=user).values("survey_id")
    return queryset.filter(pk__in=invited).exclude(status=SurveyStatus.DRAFT)
