from django import template

from flywheel.trust import queries
from flywheel.trust.models import TrustLevel

register = template.Library()


@register.simple_tag
def trust_level_of(member):
    """(level, label) of a member, one query (none for the brand team)."""
    level = queries.displayed_level(member)
    return {"level": level, "label": TrustLevel(level).label}
