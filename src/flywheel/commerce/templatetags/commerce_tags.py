from django import template

from flywheel.commerce import queries

register = template.Library()


@register.inclusion_tag("commerce/_member_orders.html", takes_context=True)
def member_orders_panel(context, member):
    """The member's store orders and spend, for the brand team only (two queries)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    allowed = bool(viewer and viewer.is_authenticated and viewer.is_brand_team)
    if not allowed:
        return {"allowed": False}
    return {
        "allowed": True,
        "member": member,
        "orders": queries.member_orders(member),
        "spend": queries.member_spend(member),
    }
