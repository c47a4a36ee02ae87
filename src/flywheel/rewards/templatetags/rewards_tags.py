from django import template

from flywheel.rewards.queries import featured_member_of_the_month as _featured

register = template.Library()


@register.simple_tag
def featured_member_of_the_month():
    """The member featured on the home page this month (or the latest one), in one query."""
    return _featured()
