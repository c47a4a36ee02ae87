"""Page forms: they parse and label fields; services.py holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from flywheel.surveys.models import QuestionKind
from flywheel.surveys.services import MAX_OPTIONS, OPTION_MAX, QUESTION_MAX

CHECKBOX = {"class": "form-check-input"}
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"})


def _options(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PollForm(forms.Form):
    question = forms.CharField(
        label=_("Poll question"),
        max_length=QUESTION_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    options = forms.CharField(
        label=_("Options"),
        help_text=_("One per line, from 2 to %(count)d.") % {"count": MAX_OPTIONS},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        max_length=MAX_OPTIONS * (OPTION_MAX + 2),
    )
    allows_multiple = forms.BooleanField(
        label=_("Voters may choose several options"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: show counts only, not who voted for what"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Leave empty to keep the poll open."),
    )

    def option_labels(self) -> list[str]:
        return _options(self.cleaned_data.get("options", ""))


class PollTopicForm(PollForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label=_("Why you ask"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
        max_length=20000,
    )
    field_order = ["title", "body", "question", "options", "allows_multiple", "is_anonymous"]


class SurveyForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        help_text=_("Markdown. Say why you ask and how long it takes."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    segment = forms.ChoiceField(
        label=_("Who is invited"), widget=forms.Select(attrs={"class": "form-select"})
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: results and the CSV never name the member"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )
    closes_at = forms.DateTimeField(label=_("Closes at"), required=False, widget=DATETIME_WIDGET)

    def __init__(self, *args, segments: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segments


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "—"), *QuestionKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    prompt = forms.CharField(
        label=_("Question"),
        required=False,
        max_length=QUESTION_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    choices = forms.CharField(
        label=_("Options (choice questions, one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    required = forms.BooleanField(
        label=_("Required"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs=CHECKBOX),
    )

    def option_labels(self) -> list[str]:
        return _options(self.cleaned_data.get("choices", ""))


QuestionFormSet = forms.formset_factory(QuestionForm, extra=6, max_num=30)
