"""Background work for surveys: the invitation e-mails."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flywheel.surveys.models import SurveyInvitation

logger = logging.getLogger(__name__)


@shared_task(name="flywheel.surveys.tasks.email_survey_invitations")
def email_survey_invitations(survey_id: int) -> int:
    """One e-mail per invitation not e-mailed yet, in the member's language. Each is marked
    sent right after it went, so a rerun (a retry, a second opening) sends nobody twice."""
    sent = 0
    invitations = (
        SurveyInvitation.objects.filter(
            survey_id=survey_id, emailed_at__isnull=True, member__is_active=True
        )
        .select_related("survey", "member")
        .order_by("pk")
    )
    for invitation in invitations.iterator(chunk_size=500):
        member, survey = invitation.member, invitation.survey
        if not survey.is_accepting_answers() or not member.email:
            continue
        url = settings.SITE_URL.rstrip("/") + reverse(
            "surveys:answer", kwargs={"survey_id": survey.pk}
        )
        with translation.override(member.language or settings.LANGUAGE_CODE):
            subject = _("A few questions for you: %(title)s") % {"title": survey.title}
            body = _(
                'Hello %(name)s,\n\nWe would like your opinion: "%(title)s". It takes a few '
                "minutes, and every answer is read.\n\nAnswer here: %(url)s\n"
            ) % {"name": member.name, "title": survey.title, "url": url}
        try:
            send_mail(subject, body, None, [member.email], fail_silently=False)
        except Exception:  # a bad address must not hold up the others
            logger.exception("survey invitation %s could not be e-mailed", invitation.pk)
            continue
        SurveyInvitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
