"""Who may see which points, and the tier gate on spaces."""

from django.contrib.auth import get_user_model
from django.db.models import Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.accounts.permissions import can_view_member_commerce
from flywheel.rewards.models import PointsAccount, Redemption


def can_view_ledger(viewer, member) -> bool:
    """A member sees their own wallet; owners and admins see anyone's, moderators no one's
    (the one policy: accounts.permissions.can_view_member_commerce)."""
    return can_view_member_commerce(viewer, member)


def get_visible_ledger_owner(viewer, handle: str):
    """The member whose ledger `viewer` asked for; 404 (not 403) for anyone else's, so that
    the page does not even confirm who has points."""
    member = get_user_model().objects.filter(handle__iexact=handle).first()
    if member is None or not can_view_ledger(viewer, member):
        raise Http404(_("No such ledger."))
    return member


def get_own_redemption(viewer, redemption_id: int) -> Redemption:
    redemption = (
        Redemption.objects.select_related("perk")
        .filter(pk=redemption_id, member_id=getattr(viewer, "pk", None))
        .first()
    )
    if redemption is None:
        raise Http404(_("No such redemption."))
    return redemption


def passes_rewards_gate(user, space) -> bool:
    """GATE_CHECKS entry: a tier that opens the space (this tier or a lower one gates it), or
    a fulfilled early-access perk for it. One query."""
    if not user.is_authenticated:
        return False
    rank = Subquery(PointsAccount.objects.filter(member_id=user.pk).values("tier__rank")[:1])
    return (
        space.__class__.objects.filter(pk=space.pk)
        .filter(
            Q(reward_tiers__rank__lte=rank)
            | Q(
                reward_perks__redemptions__member_id=user.pk,
                reward_perks__redemptions__status=Redemption.Status.FULFILLED,
            )
        )
        .exists()
    )
