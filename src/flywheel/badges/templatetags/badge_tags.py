from django import template

from flywheel.badges import queries

register = template.Library()


@register.filter
def top_badges(grants):
    """A post author's prefetched grants → the best few distinct badges to show by the name."""
    return queries.top_badges(grants)


@register.simple_tag
def member_badges(member):
    """The badges a member holds (one query), for their profile."""
    return queries.member_badges(member)
