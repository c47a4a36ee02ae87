"""Feedback read from the Activity log: a tester's published review of the trial's product
(review_published, whose payload names the product and rating) or their answer to the trial's
survey (survey_answered) counts as their feedback. Idempotent: record_feedback does nothing
for a tester whose feedback is already in."""

from flywheel.core.models import Activity, Verb
from flywheel.trials.models import Application, ApplicationStatus, FeedbackKind


def record_feedback_for_activity(activity: Activity) -> None:
    from flywheel.trials.services import record_feedback

    if activity.actor_id is None or activity.verb not in (
        Verb.REVIEW_PUBLISHED,
        Verb.SURVEY_ANSWERED,
    ):
        return
    payload = activity.payload or {}
    owing = Application.objects.filter(
        member_id=activity.actor_id,
        status=ApplicationStatus.SELECTED,
        feedback_given_at__isnull=True,
    )
    if activity.verb == Verb.REVIEW_PUBLISHED:
        if not payload.get("product_id"):
            return
        kind = FeedbackKind.REVIEW
        owing = owing.filter(trial__product_id=payload["product_id"])
        review_id, rating = activity.target_id, payload.get("rating")
    else:
        if not payload.get("survey"):
            return
        kind = FeedbackKind.SURVEY
        owing = owing.filter(trial__survey_id=payload["survey"])
        review_id, rating = None, None
    for application in owing:
        record_feedback(
            application=application,
            kind=kind,
            review_id=review_id,
            rating=rating,
            at=activity.created_at,
        )
