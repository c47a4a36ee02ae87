"""The staff form for a challenge and the member's check-in form. Days are calendar days; each
member reads them in their own time zone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from flywheel.challenges.services import CHECK_IN_TEXT_MAX, DESCRIPTION_MAX, TARGET_MAX, TITLE_MAX
from flywheel.community.models import Space


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=DESCRIPTION_MAX,
        required=False,
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    target_check_ins = forms.IntegerField(
        label=_("Check-ins to complete"),
        min_value=1,
        max_value=TARGET_MAX,
        help_text=_("One check-in a day at most: “30 days of running” is 30."),
    )
    space = forms.ModelChoiceField(
        label=_("Space (optional)"),
        queryset=Space.objects.order_by("position", "name"),
        required=False,
        help_text=_("Only members who may read the space see the challenge."),
    )
    badge_name = forms.CharField(
        label=_("Badge name"),
        max_length=80,
        required=False,
        help_text=_("Awarded on completion; the challenge's title if left empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CheckInForm(forms.Form):
    text = forms.CharField(
        label=_("How did it go? (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=CHECK_IN_TEXT_MAX,
        required=False,
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*"}),
    )
