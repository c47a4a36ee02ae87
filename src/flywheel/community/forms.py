"""Forms for the hub's pages. They parse input; the services decide what is valid."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from flywheel.community.models import TopicKind


def split_tags(raw: str) -> list[str]:
    return [name.strip() for name in (raw or "").split(",") if name.strip()]


def image_upload_attrs() -> dict:
    """What community/static/community/composer-images.js needs on a composer's textarea:
    where to upload, and its words in the member's language (no inline script: CSP)."""
    return {
        "data-image-upload": reverse_lazy("community:image_upload"),
        "data-image-button": _("Add images"),
        "data-image-hint": _("You can also paste images or drop them on the text."),
        "data-image-alt": _("image"),
        "data-image-failed": _("The upload failed. Try again."),
        "data-image-done": _("Uploaded"),
    }


class StyledForm(forms.Form):
    """Gives text inputs Bootstrap's look; errors are marked by Django's aria-invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.Textarea):
                field.widget.attrs.setdefault("class", "form-control")
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("class", "fw-kind-input")


class TopicForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[], widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), required=False, strip=False)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, **image_upload_attrs()}),
        help_text=_(
            "Markdown works: **bold**, _italic_, lists, links and `code`. Mention with @handle."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Up to five, separated by commas."),
    )

    def __init__(self, *args, can_announce: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [TopicKind.QUESTION, TopicKind.DISCUSSION]
        if can_announce:
            kinds.append(TopicKind.ANNOUNCEMENT)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.fields["kind"].initial = TopicKind.QUESTION
        self.fields["title"].widget.attrs.update({"maxlength": 200, "autocomplete": "off"})

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class ReplyForm(StyledForm):
    body = forms.CharField(
        label=_("Your reply"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, **image_upload_attrs()}),
        help_text=_("Markdown works. Mention with @handle."),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditPostForm(StyledForm):
    title = forms.CharField(label=_("Title"), required=False, strip=False)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, **image_upload_attrs()}),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Up to five, separated by commas.")
    )

    def __init__(self, *args, is_opening_post: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_opening_post:
            del self.fields["title"]
            del self.fields["tags"]

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))
