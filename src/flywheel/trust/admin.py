from django.contrib import admin

from flywheel.trust import queries, services
from flywheel.trust.models import MemberTrust, TrustLevelChange, TrustLevelRequirement


@admin.register(TrustLevelRequirement)
class TrustLevelRequirementAdmin(admin.ModelAdmin):
    list_display = [
        "level",
        "days_visited",
        "topics_entered",
        "posts_read",
        "replies",
        "verified_purchases",
        "daily_post_limit",
        "max_links_per_post",
        "flag_weight",
    ]
    fieldsets = [
        (None, {"fields": ["level", "window_days"]}),
        (
            "Requirements",
            {
                "fields": [
                    "days_since_joined",
                    "days_visited",
                    "topics_entered",
                    "posts_read",
                    "replies",
                    "likes_given",
                    "likes_received",
                    "verified_purchases",
                    "reviews",
                    "max_refunds",
                    "max_upheld_flags",
                    "max_sanctions",
                ]
            },
        ),
        (
            "Unlocks",
            {
                "fields": [
                    "max_links_per_post",
                    "images_allowed",
                    "daily_post_limit",
                    "flag_weight",
                    "can_edit_wiki",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["level"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        queries.forget_requirements()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberTrust)
class MemberTrustAdmin(admin.ModelAdmin):
    list_display = ["member", "level", "locked_level", "level_changed_at", "evaluated_at"]
    list_filter = ["level", "locked_level"]
    search_fields = ["member__handle", "member__email"]
    raw_id_fields = ["member"]
    readonly_fields = ["level", "level_changed_at", "evaluated_at"]
    list_select_related = ["member"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "member"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Locking goes through the service: it checks the staff member and records history.
        trust = services.set_locked_level(
            member=obj.member, level=obj.locked_level, by=request.user
        )
        obj.pk, obj.level = trust.pk, trust.level


@admin.register(TrustLevelChange)
class TrustLevelChangeAdmin(admin.ModelAdmin):
    list_display = ["member", "from_level", "to_level", "reason", "changed_by", "created_at"]
    list_filter = ["reason", "to_level"]
    search_fields = ["member__handle"]
    list_select_related = ["member", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
