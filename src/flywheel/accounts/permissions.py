"""Who may see a member's money: the one policy for wallets, discount codes, orders and spend.

| viewer | the member's points wallet and history, perks and discount codes, store orders and spend |
|---|---|
| the member themself | yes |
| owner, admin (and superusers) | yes |
| moderator | **no**: moderation works on posts, flags and sanctions, which show no money; points can only be adjusted by admins, so a moderator has nothing to do with them |
| ambassador, member, anonymous | no |

Every page, API operation and template that shows another member's wallet, codes, orders or
spend asks ``can_view_member_commerce`` (or ``check_member_commerce_permission`` for a 404):
the rewards wallet and its API, the profile's staff panel of store orders, and the admin
(owners and admins only, see accounts/admin_access.py). The public leaderboard is not
covered: it shows points totals members agreed to compete with, never codes or orders.
docs/security.md, "Who sees a member's money", says the same; the authorisation matrix
(tests/security/test_authorization_matrix.py) checks each surface for each role.
"""

from django.http import Http404
from django.utils.translation import gettext as _


def can_view_member_commerce(viewer, member) -> bool:
    """May `viewer` see `member`'s wallet, discount codes, orders and spend?"""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.pk == member.pk:
        return True
    return bool(viewer.is_superuser or viewer.is_community_admin)


def check_member_commerce_permission(viewer, member) -> None:
    """404 (not 403), so the answer does not even confirm what there is to see."""
    if not can_view_member_commerce(viewer, member):
        raise Http404(_("Nothing to see here."))
