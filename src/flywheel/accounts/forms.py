"""Forms parse what members type; the rules live in accounts/services.py."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from flywheel.accounts.models import timezone_choices


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    handle = forms.CharField(
        label=_("Handle"),
        max_length=30,
        help_text=_("Your @name: letters, digits, dots, dashes and underscores."),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_(
            "A PNG, JPEG, GIF or WebP image of at most 2 MB and 12 megapixels; we crop it to a "
            "square and remove its metadata (such as the location it was taken)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)
    bio = forms.CharField(
        label=_("Bio"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(label=_("Language"))
    timezone = forms.ChoiceField(label=_("Time zone"))
    digest_enabled = forms.BooleanField(label=_("Send me the weekly digest e-mail"), required=False)
    mention_emails_enabled = forms.BooleanField(
        label=_("E-mail me when someone mentions me"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices are read per form, never at import time (settings may change in tests).
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["timezone"].choices = timezone_choices()

    @classmethod
    def initial_for(cls, member) -> dict:
        return {
            "display_name": member.display_name,
            "handle": member.handle,
            "bio": member.bio,
            "language": member.language,
            "timezone": member.timezone,
            "digest_enabled": member.digest_enabled,
            "mention_emails_enabled": member.mention_emails_enabled,
        }


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “Shop sync”."),
    )
