"""Small presentation helpers shared by the hub's templates (avatars, colours, pagination)."""

import re

from django import template
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

register = template.Library()

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
DEFAULT_COLOUR = "#2f6f4f"


@register.filter
def safe_colour(value: str) -> str:
    """A #rgb/#rrggbb colour for inline styles; anything else falls back to the brand green."""
    return value if isinstance(value, str) and HEX_COLOUR.match(value) else DEFAULT_COLOUR


@register.inclusion_tag("partials/avatar.html")
def avatar(user, size: str = "md") -> dict:
    """A member's picture, or their initials on a colour that stays the same for them."""
    if user is None:
        return {"user": None, "size": size, "hue": 0, "initials": "?"}
    # One of 36 hues (flywheel.css .fw-hue-0 … .fw-hue-350): no inline style under the CSP.
    hue = (user.pk or 0) * 47 % 36 * 10
    return {
        "user": user,
        "size": size,
        "hue": hue,
        "initials": user.initials,
        "image_url": user.avatar.url if user.avatar else "",
    }


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes them)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def elided_pages(page_obj) -> list:
    """Page numbers around the current page, with the paginator's ellipsis in the gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )


REACTION_NAMES = {
    "like": _("Like"),
    "heart": _("Love"),
    "laugh": _("Funny"),
    "celebrate": _("Celebrate"),
    "insightful": _("Insightful"),
    "eyes": _("Watching"),
}


@register.filter
def reaction_name(kind: str) -> str:
    return REACTION_NAMES.get(kind, kind)


@register.filter
def since(value) -> str:
    """Age like "3 hours ago": one unit deep, translated by Django."""
    if not value:
        return ""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if (timezone.now() - value).total_seconds() < 60:
        return _("just now")
    return _("%(age)s ago") % {"age": timesince(value, depth=1)}
