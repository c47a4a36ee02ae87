from django import template

from flywheel.accounts.permissions import can_view_member_commerce
from flywheel.commerce import queries

register = template.Library()


@register.inclusion_tag("commerce/_member_orders.html", takes_context=True)
def member_orders_panel(context, member):
    """The member's store orders and spend, for owners and admins only (two queries).

    Who may see them is accounts.permissions.can_view_member_commerce; the member's own
    profile does not show the panel (it is a staff panel), so the viewer must be someone else.
    """
    request = context.get("request")
    viewer = getattr(request, "user", None)
    allowed = (
        viewer is not None
        and viewer.is_authenticated
        and viewer.pk != member.pk
        and can_view_member_commerce(viewer, member)
    )
    if not allowed:
        return {"allowed": False}
    return {
        "allowed": True,
        "member": member,
        "orders": queries.member_orders(member),
        "spend": queries.member_spend(member),
    }
