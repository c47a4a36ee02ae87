from django import template

from flywheel.trust import queries
from flywheel.trust.models import TrustLevel

register = template.Library()


@register.simple_tag
def trust_level_of(member):
    """(level, label) of a member, one query."""
    level = queries.trust_level_for(member)
    return {"level": level, "label": TrustLevel(level).label}
