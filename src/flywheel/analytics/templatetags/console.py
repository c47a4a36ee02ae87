from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure_value(value, kind: str = "number") -> str:
    """A headline value as the console shows it; an em dash where there is nothing to show."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{number_format(float(value) * 100, 1)} %"
    if kind == "money":
        return number_format(Decimal(value), 2, force_grouping=True)
    if kind == "hours":
        return number_format(value, 1)
    if isinstance(value, float):
        return number_format(value, 2)
    return number_format(value, force_grouping=True)


@register.filter
def cell(value) -> str:
    """A table cell: ratios under 1 in a share column stay as given; None is blank."""
    if value is None:
        return ""
    if isinstance(value, float):
        return number_format(value, 3 if value < 1 else 2)
    if isinstance(value, Decimal):
        return number_format(value, 2, force_grouping=True)
    return value
