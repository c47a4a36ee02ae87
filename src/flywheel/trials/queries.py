"""Reads shared by the trial pages: the open trials a member qualifies for, their own
applications, the staff list with its counts, and one trial's results for the product team."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from flywheel.reviews.queries import published_reviews_by
from flywheel.trials import permissions
from flywheel.trials.models import Application, ApplicationStatus, Stage, Trial, TrialState

SELECTED = Q(applications__status=ApplicationStatus.SELECTED)


def open_trials_for(member, *, now: datetime | None = None) -> QuerySet[Trial]:
    """Trials taking applications whose segment includes the member (3 queries with the
    member's standing)."""
    now = now or timezone.now()
    queryset = Trial.objects.filter(state=TrialState.OPEN, apply_by__gte=now)
    standing = permissions.standing_of(member)
    return (
        permissions.filter_trials_for_standing(queryset, standing)
        .select_related("product", "min_tier")
        .order_by("apply_by", "id")
    )


def member_applications(member) -> QuerySet[Application]:
    return (
        Application.objects.filter(member=member)
        .select_related("trial__product", "trial__min_tier")
        .order_by("-applied_at", "-id")
    )


def application_of(member, trial: Trial) -> Application | None:
    if member is None or not member.is_authenticated:
        return None
    return Application.objects.filter(member=member, trial=trial).select_related("trial").first()


def application_in_trial(trial: Trial, application_id: str) -> Application | None:
    if not str(application_id).isdigit():
        return None
    return Application.objects.filter(trial=trial, pk=int(application_id)).first()


def trial_for_page(trial_id: int) -> Trial | None:
    return Trial.objects.select_related("product", "min_tier", "survey").filter(pk=trial_id).first()


def staff_trials() -> QuerySet[Trial]:
    """Every trial with its counts, in one query."""
    return (
        Trial.objects.select_related("product", "min_tier")
        .annotate(
            applicant_count=Count(
                "applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN)
            ),
            selected_count=Count("applications", filter=SELECTED),
            feedback_count=Count(
                "applications",
                filter=SELECTED & Q(applications__feedback_given_at__isnull=False),
            ),
        )
        .order_by("-apply_by", "-id")
    )


@dataclass
class TrialResults:
    """What the product team reads on /manage/trials/<id>/."""

    applicants: list[Application]
    testers: list[Application]
    counts: dict[str, int]
    average_rating: float | None
    reviews: list = field(default_factory=list)
    places_left: int = 0


def trial_results(trial: Trial, *, now: datetime | None = None) -> TrialResults:
    """Applicants, testers by stage, and the testers' published reviews of the product with
    their average rating: five queries whatever the number of applicants and reviews."""
    now = now or timezone.now()
    applications = list(
        Application.objects.filter(trial=trial)
        .select_related("member")
        .order_by("applied_at", "id")
    )
    for application in applications:
        application.trial = trial
    testers = [a for a in applications if a.status == ApplicationStatus.SELECTED]
    stages = [tester.stage(now) for tester in testers]
    counts = {
        "applicants": sum(1 for a in applications if a.status != ApplicationStatus.WITHDRAWN),
        "waiting": sum(1 for a in applications if a.status == ApplicationStatus.APPLIED),
        "withdrawn": sum(1 for a in applications if a.status == ApplicationStatus.WITHDRAWN),
        "selected": len(testers),
        "shipped": sum(1 for t in testers if t.shipped_at is not None),
        "received": sum(1 for t in testers if t.received_at is not None),
        "feedback_given": stages.count(Stage.FEEDBACK_GIVEN),
        "overdue": stages.count(Stage.OVERDUE),
    }
    reviews = list(published_reviews_by(trial.product, [t.member_id for t in testers]))
    average = round(sum(r.rating for r in reviews) / len(reviews), 2) if reviews else None
    return TrialResults(
        applicants=applications,
        testers=testers,
        counts=counts,
        average_rating=average,
        reviews=reviews,
        places_left=max(0, trial.places - len(testers)),
    )
