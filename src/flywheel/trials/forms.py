"""The staff form that opens a trial. Dates are entered in the staff member's own time zone
(the accounts middleware activates it); Django's DateTimeField makes them aware in it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from flywheel.commerce.models import Product
from flywheel.rewards.models import Tier
from flywheel.surveys.models import Survey
from flywheel.trust.models import TrustLevel

DATE_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class TrialForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(deleted=False).order_by("title", "id")
    )
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("What testers get and do (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000)
    min_trust_level = forms.TypedChoiceField(
        label=_("Lowest trust level"),
        choices=TrustLevel.choices,
        coerce=int,
        initial=0,
        help_text=_("0 lets every member apply."),
    )
    min_tier = forms.ModelChoiceField(
        label=_("Lowest VIP tier"),
        queryset=Tier.objects.order_by("rank"),
        required=False,
        empty_label=_("Any member, whatever their tier"),
    )
    question = forms.CharField(label=_("Application question"), max_length=300)
    apply_by = forms.DateTimeField(
        label=_("Applications close"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    feedback_due = forms.DateTimeField(
        label=_("Feedback due"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    survey = forms.ModelChoiceField(
        label=_("Survey (optional)"),
        queryset=Survey.objects.order_by("-created_at", "-id"),
        required=False,
        help_text=_("An answer to this survey counts as feedback, as a review does."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
