"""Forms for sign-up protection, account deletion and consent."""

from allauth.account.forms import AddEmailForm, SignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from flywheel.privacy.models import ErasureContent
from flywheel.privacy.signup_checks import check_signup_email

HONEYPOT_FIELD = "website"


class HoneypotInput(forms.TextInput):
    """A text box people never see or reach (off-screen, hidden from assistive technology,
    out of the tab order); form-filling bots fill it in. Rendered as a hidden field so the
    form templates print it without a label."""

    template_name = "privacy/honeypot_input.html"

    @property
    def is_hidden(self) -> bool:
        return True


class ProtectedSignupForm(SignupForm):
    """allauth's sign-up form plus a honeypot and the e-mail domain checks
    (flywheel.privacy.signup_checks). Password resets are not checked: an existing member
    whose provider was blocked later can still get back in."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=HoneypotInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self) -> str:
        return check_signup_email(super().clean_email())

    def clean(self):
        cleaned = super().clean()
        if (self.data.get(HONEYPOT_FIELD) or "").strip():
            raise ValidationError(
                _("We could not create your account. Please try again."), code="honeypot"
            )
        return cleaned


class ProtectedAddEmailForm(AddEmailForm):
    """Adding an address later passes the same checks as signing up with it."""

    def clean_email(self) -> str:
        return check_signup_email(super().clean_email())


class DeleteAccountForm(forms.Form):
    content = forms.ChoiceField(
        label=_("What happens to your posts"),
        choices=ErasureContent.choices,
        widget=forms.RadioSelect,
        initial=ErasureContent.ANONYMISE,
    )
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm it is you."),
    )

    def __init__(self, *args, allowed_contents: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].choices = [
            (value, label) for value, label in ErasureContent.choices if value in allowed_contents
        ]
        self.forced_content = allowed_contents[0] if len(allowed_contents) == 1 else None
        if self.forced_content:
            # The site decides (FLYWHEEL_ERASURE_CONTENT_CHOICE); whatever was sent is ignored.
            self.fields["content"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_content(self) -> str:
        if self.forced_content:
            return self.forced_content
        return self.cleaned_data["content"]


class MarketingConsentForm(forms.Form):
    granted = forms.BooleanField(required=False)
