"""The ideas app's consumer of the Activity log: a status change of an idea or a feature
request becomes a bell notification for its creator and every supporter (voter), each written
in the member's own language; "released" and "done" are "you asked, we built it", with an
e-mail (tasks.py). Idempotent: one notification per member and activity (a unique
constraint), one e-mail per support (a stamp)."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from flywheel.core.models import Activity, Verb
from flywheel.ideas.models import (
    FeatureRequest,
    FeatureVote,
    Idea,
    IdeaStatus,
    RequestStatus,
    Support,
)
from flywheel.notifications.models import NotificationKind
from flywheel.notifications.services import notify_members_about


def idea_status_text(*, title: str, status: str, reason: str = "") -> str:
    """What a supporter reads, in the active language."""
    texts = {
        IdeaStatus.GAINING_SUPPORT: _(
            "“%(title)s” passed its first milestone and is gaining support."
        ),
        IdeaStatus.EXPIRED: _("“%(title)s” expired: it did not reach its next milestone in time."),
        IdeaStatus.IN_REVIEW: _(
            "“%(title)s” is in review: the brand decides when the review period ends."
        ),
        IdeaStatus.ACCEPTED: _("“%(title)s” was accepted and will become a product."),
        IdeaStatus.IN_PRODUCTION: _("“%(title)s” is in production."),
        IdeaStatus.RELEASED: _("You asked, we built it: “%(title)s” is out now."),
        IdeaStatus.DECLINED: _("“%(title)s” was declined: %(reason)s"),
    }
    text = texts.get(status, _("“%(title)s” changed status."))
    return text % {"title": title, "reason": reason}


def request_status_text(*, title: str, status: str) -> str:
    texts = {
        RequestStatus.PLANNED: _("“%(title)s” is planned."),
        RequestStatus.IN_PROGRESS: _("“%(title)s” is being built."),
        RequestStatus.DONE: _("You asked, we built it: “%(title)s” is done."),
        RequestStatus.DECLINED: _("“%(title)s” was declined."),
        RequestStatus.MERGED: _(
            "“%(title)s” was merged into another request; your vote moved with it."
        ),
    }
    return texts.get(status, _("“%(title)s” changed status.")) % {"title": title}


def _summaries(member_ids, render) -> dict[int, str]:
    """Member id → text in their language, rendering each language once."""
    by_language: dict[str, list[int]] = defaultdict(list)
    for member_id, language in (
        get_user_model()
        .objects.filter(pk__in=list(member_ids), is_active=True)
        .values_list("pk", "language")
        .iterator(chunk_size=2000)
    ):
        by_language[language or settings.LANGUAGE_CODE].append(member_id)
    summaries: dict[int, str] = {}
    for language, ids in by_language.items():
        with translation.override(language):
            text = render()
        summaries.update(dict.fromkeys(ids, text))
    return summaries


def _notify_idea(activity: Activity) -> None:
    idea = Idea.objects.filter(pk=activity.target_id).first()
    if idea is None:
        return
    status = (activity.payload or {}).get("to", idea.status)
    reason = idea.decline_reason if status == IdeaStatus.DECLINED else ""
    member_ids = set(Support.objects.filter(idea=idea).values_list("member_id", flat=True))
    if idea.author_id:
        member_ids.add(idea.author_id)
    shipped = status == IdeaStatus.RELEASED
    summaries = _summaries(
        member_ids, lambda: idea_status_text(title=idea.title, status=status, reason=reason)
    )
    notify_members_about(
        activity=activity,
        kind=NotificationKind.IDEA_SHIPPED if shipped else NotificationKind.IDEA_UPDATED,
        summaries=summaries,
        link=idea.get_absolute_url(),
    )
    if shipped:
        from flywheel.ideas.tasks import send_shipped_emails

        transaction.on_commit(lambda: send_shipped_emails.delay(idea_id=idea.pk), robust=True)


def _notify_request(activity: Activity) -> None:
    request = FeatureRequest.objects.filter(pk=activity.target_id).first()
    if request is None:
        return
    status = (activity.payload or {}).get("to", request.status)
    if status == RequestStatus.MERGED:
        # The votes moved to the target; the voters of the duplicate are those who had voted
        # on the source (and are now on the target).
        target = request.merged_into or request
        member_ids = set(
            FeatureVote.objects.filter(request=target).values_list("member_id", flat=True)
        )
    else:
        member_ids = set(
            FeatureVote.objects.filter(request=request).values_list("member_id", flat=True)
        )
    if request.author_id:
        member_ids.add(request.author_id)
    shipped = status == RequestStatus.DONE
    summaries = _summaries(
        member_ids, lambda: request_status_text(title=request.title, status=status)
    )
    notify_members_about(
        activity=activity,
        kind=NotificationKind.IDEA_SHIPPED if shipped else NotificationKind.IDEA_UPDATED,
        summaries=summaries,
        link=(request.merged_into or request).get_absolute_url(),
    )
    if shipped:
        from flywheel.ideas.tasks import send_shipped_emails

        transaction.on_commit(lambda: send_shipped_emails.delay(request_id=request.pk), robust=True)


def notify_idea_followers(activity: Activity) -> None:
    if activity.verb == Verb.IDEA_STATUS_CHANGED:
        _notify_idea(activity)
    elif activity.verb == Verb.FEATURE_STATUS_CHANGED:
        _notify_request(activity)
