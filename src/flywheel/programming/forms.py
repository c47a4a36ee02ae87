"""The calendar item form. The time is entered in the staff member's own time zone (the
accounts middleware activates it), and Django's DateTimeField makes it aware in that zone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from flywheel.community.models import Space
from flywheel.programming.models import CALENDAR_KINDS, CalendarLabel

SCHEDULE, DRAFT = "scheduled", "draft"


class CalendarItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000
    )
    space = forms.ModelChoiceField(
        label=_("Space"), queryset=Space.objects.order_by("position", "name")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(kind.value, kind.label) for kind in CALENDAR_KINDS]
    )
    label = forms.ChoiceField(label=_("Label"), choices=CalendarLabel.choices)
    scheduled_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    state = forms.ChoiceField(
        label=_("Status"),
        choices=[(SCHEDULE, _("Schedule it")), (DRAFT, _("Keep as a draft"))],
        initial=SCHEDULE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "state":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
