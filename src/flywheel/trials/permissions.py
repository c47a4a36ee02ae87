"""Who runs trials and who may apply to one.

Running trials (opening them, selecting, drawing, marking shipped, the results page) is for
the brand team (owners, admins, moderators), as the console. Applying is for signed-in
members in the trial's segment: at least its trust level and, when it names a VIP tier, that
tier or a higher one. Pages share these; denials raise PermissionDenied (403) or Http404."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.rewards.queries import account_for
from flywheel.trials.models import Application, ApplicationStatus, Trial
from flywheel.trust.queries import trust_level_for


def is_trials_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (getattr(user, "is_brand_team", False) or user.is_superuser)
    )


def check_run_trials_permission(user) -> None:
    if not is_trials_staff(user):
        raise PermissionDenied(_("Product trials are run by the brand team."))


@dataclass(frozen=True)
class Standing:
    """What the segment rules read about a member: their trust level and VIP tier rank."""

    trust_level: int
    tier_rank: int | None


def standing_of(member) -> Standing:
    """Two queries at most (trust is remembered on the member for the request)."""
    account = account_for(member)
    return Standing(
        trust_level=trust_level_for(member),
        tier_rank=account.tier.rank if account.tier_id else None,
    )


def in_segment(trial: Trial, standing: Standing) -> bool:
    if standing.trust_level < trial.min_trust_level:
        return False
    if trial.min_tier_id is None:
        return True
    return standing.tier_rank is not None and standing.tier_rank >= trial.min_tier.rank


def filter_trials_for_standing(queryset: QuerySet[Trial], standing: Standing) -> QuerySet[Trial]:
    """The same rule as in_segment, in the database (lists)."""
    tier = Q(min_tier__isnull=True)
    if standing.tier_rank is not None:
        tier |= Q(min_tier__rank__lte=standing.tier_rank)
    return queryset.filter(tier, min_trust_level__lte=standing.trust_level)


def check_apply_permission(member, trial: Trial) -> None:
    if member is None or not member.is_authenticated:
        raise PermissionDenied(_("Sign in to apply."))
    if not in_segment(trial, standing_of(member)):
        raise PermissionDenied(_("This trial is for another group of members."))


def check_view_trial_permission(user, trial: Trial, application: Application | None) -> None:
    """Members see a trial they may apply to or applied to; staff see every trial."""
    if is_trials_staff(user) or application is not None:
        return
    if not in_segment(trial, standing_of(user)):
        raise Http404(_("This trial is not open to you."))


def check_tester_permission(member, application: Application) -> None:
    if application.member_id != member.pk or application.status != ApplicationStatus.SELECTED:
        raise PermissionDenied(_("Only the trial's tester can do this."))


def may_review_tested_product(member, product) -> bool:
    """core.hooks.product_review_grants: a selected tester whose product was shipped may
    review it without having bought it."""
    if member is None or not member.is_authenticated:
        return False
    return Application.objects.filter(
        member_id=member.pk,
        trial__product_id=product.pk,
        status=ApplicationStatus.SELECTED,
        shipped_at__isnull=False,
    ).exists()
