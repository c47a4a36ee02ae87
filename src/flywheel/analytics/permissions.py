"""Who may open the staff console and which figures each role sees.

Owners, admins and moderators open `/manage/`. Commerce figures (orders, revenue, costs,
members' orders and points) are for owners and admins only: moderators look after
conversations, not the brand's sales or a member's purchases.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def can_open_console(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_brand_team))


def can_see_commerce(user) -> bool:
    return bool(user.is_authenticated and user.is_community_admin)


def check_console_permission(user) -> None:
    if not can_open_console(user):
        raise PermissionDenied(_("The console is for the brand team."))


def check_commerce_permission(user) -> None:
    check_console_permission(user)
    if not can_see_commerce(user):
        raise PermissionDenied(_("Sales figures are for owners and admins."))
