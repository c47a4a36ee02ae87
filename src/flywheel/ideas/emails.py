"""The "you asked, we built it" e-mail: to every supporter of a released idea (voter of a done
feature request), in the member's language, once each: the support row is stamped before the
message is sent, and the stamp is undone if sending fails."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from flywheel.ideas.models import FeatureRequest, FeatureVote, Idea, Support

logger = logging.getLogger(__name__)
BATCH = 500


def _send_one(*, member, subject_template: str, body_template: str, context: dict) -> None:
    with translation.override(member.language or settings.LANGUAGE_CODE):
        context = {**context, "member": member, "brand_name": settings.BRAND_NAME}
        subject = render_to_string(subject_template, context)
        body = render_to_string(body_template, context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        None,
        [member.email],
    )


def _deliver(rows_queryset, *, model, context: dict) -> int:
    sent = 0
    while True:
        batch = list(
            rows_queryset.filter(shipped_emailed_at__isnull=True, member__is_active=True)
            .select_related("member")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return sent
        for row in batch:
            with transaction.atomic():
                claimed = model.objects.filter(pk=row.pk, shipped_emailed_at__isnull=True).update(
                    shipped_emailed_at=timezone.now()
                )
                if not claimed or not row.member.email:
                    continue
                try:
                    _send_one(
                        member=row.member,
                        subject_template="ideas/email/shipped_subject.txt",
                        body_template="ideas/email/shipped.txt",
                        context=context,
                    )
                except Exception:
                    logger.exception("shipped e-mail to member %s failed", row.member_id)
                    transaction.set_rollback(True)
                    return sent
                sent += 1


def send_shipped_emails(*, idea_id: int | None = None, request_id: int | None = None) -> int:
    site = settings.SITE_URL.rstrip("/")
    if idea_id is not None:
        idea = Idea.objects.filter(pk=idea_id).first()
        if idea is None:
            return 0
        context = {"title": idea.title, "url": site + idea.get_absolute_url()}
        return _deliver(Support.objects.filter(idea=idea), model=Support, context=context)
    request = FeatureRequest.objects.filter(pk=request_id).first()
    if request is None:
        return 0
    context = {"title": request.title, "url": site + request.get_absolute_url()}
    return _deliver(FeatureVote.objects.filter(request=request), model=FeatureVote, context=context)
