from django.contrib import admin
from django.db.models import Count

from flywheel.badges.models import Badge, BadgeGrant


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "grade", "criterion_kind", "is_manual", "is_active", "holders"]
    list_filter = ["grade", "criterion_kind", "is_manual", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(holder_total=Count("grants"))

    @admin.display(ordering="holder_total")
    def holders(self, obj):
        return obj.holder_total


@admin.register(BadgeGrant)
class BadgeGrantAdmin(admin.ModelAdmin):
    """Grants are made by criteria or on the badge's page; here staff review and revoke them."""

    list_display = ["badge", "member", "granted_at", "granted_by", "reason"]
    list_filter = ["badge"]
    search_fields = ["member__handle", "badge__slug"]
    list_select_related = ["badge", "member", "granted_by"]
    raw_id_fields = ["member", "granted_by", "source_activity"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
