from django.core.exceptions import PermissionDenied
from django.http import Http404

from flywheel.referrals import fraud


def check_staff_permission(user) -> None:
    if not user.is_authenticated or not fraud.is_staff(user):
        raise PermissionDenied


def check_ambassador_permission(user):
    """The member's active ambassador row, or 404 (the dashboard is theirs alone)."""
    from flywheel.referrals.models import Ambassador

    ambassador = (
        Ambassador.objects.select_related("tier").filter(member=user, left_at__isnull=True).first()
        if user.is_authenticated
        else None
    )
    if ambassador is None:
        raise Http404
    return ambassador
