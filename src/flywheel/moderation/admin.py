import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from flywheel.moderation import services
from flywheel.moderation.models import (
    ActionKind,
    Appeal,
    Flag,
    Guidelines,
    ModerationAction,
    ReviewItem,
    Sanction,
    WordList,
    WordListKind,
)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: read-only, filterable; CSV export at /moderation/audit/export.csv."""

    list_display = ("created_at", "actor", "action", "target_type", "target_repr", "reason")
    list_filter = (
        "action",
        "target_type",
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("target_repr", "reason", "actor__handle")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "target_type")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "flagger",
        "reason",
        "target_type",
        "target_id",
        "weight",
        "state",
    )
    list_filter = ("reason", "state", "target_type")
    list_select_related = ("flagger", "target_type")
    raw_id_fields = ("flagger", "review_item")


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ("created_at", "target_type", "target_id", "space", "state", "flag_weight")
    list_filter = ("state", "is_premoderation", "space")
    list_select_related = ("target_type", "space")
    raw_id_fields = ("post", "subject", "resolved_by")


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "starts_at", "ends_at", "issued_by", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("member__handle", "member__email", "reason")
    list_select_related = ("member", "issued_by")
    raw_id_fields = ("member", "issued_by", "revoked_by")


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("member", "sanction", "state", "created_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("member", "sanction", "decided_by")
    raw_id_fields = ("member", "sanction", "decided_by")


@admin.register(Guidelines)
class GuidelinesAdmin(admin.ModelAdmin):
    """Read here; publish new versions on /moderation/guidelines/ so acceptance restarts."""

    list_display = ("version", "published_at", "created_by")
    readonly_fields = ("version", "body_html", "created_by", "created_at")

    def has_add_permission(self, request) -> bool:
        return False


class WordListForm(forms.ModelForm):
    class Meta:
        model = WordList
        fields = ("name", "language", "kind", "entries", "is_active")

    def clean_entries(self):
        entries = self.cleaned_data["entries"]
        if self.cleaned_data.get("kind") == WordListKind.BLOCKED_PATTERNS:
            for number, line in enumerate(entries.splitlines(), start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                try:
                    re.compile(line)
                except re.error as error:
                    raise forms.ValidationError(
                        _("Line %(number)d is not a valid regular expression: %(error)s"),
                        params={"number": number, "error": error},
                    ) from error
        return entries


@admin.register(WordList)
class WordListAdmin(admin.ModelAdmin):
    """Blocked words and patterns, on top of the shipped lists in moderation/lexicons/."""

    form = WordListForm
    list_display = ("name", "language", "kind", "is_active", "updated_at")
    list_filter = ("language", "kind", "is_active")

    def save_model(self, request, obj, form, change) -> None:
        before = {"entries": form.initial.get("entries", "")} if change else {}
        super().save_model(request, obj, form, change)
        services.log_action(
            actor=request.user,
            action=ActionKind.WORD_LIST,
            target=obj,
            before=before,
            after={"entries": obj.entries, "active": obj.is_active},
            ip_hash=services.hash_ip(request.META.get("REMOTE_ADDR")),
        )
