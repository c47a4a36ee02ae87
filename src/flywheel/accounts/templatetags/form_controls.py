"""Renders Django form fields with Bootstrap 5 classes (used by our pages and allauth's)."""

from django import forms, template

register = template.Library()


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def bootstrap_widget(bound_field, extra_attrs: str = ""):
    """The field's widget with form-control / form-select / form-check-input and is-invalid."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if extra_attrs == "placeholder" and not isinstance(widget, forms.CheckboxInput):
        attrs["placeholder"] = bound_field.label
    return bound_field.as_widget(attrs=attrs)
