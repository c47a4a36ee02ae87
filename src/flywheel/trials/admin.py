"""Trials are run on their pages (/manage/trials/: selections, draws and shipping log
activities and send e-mails, so they go through the services); the admin shows them and lets
the team correct a trial's wording and dates."""

from django.contrib import admin

from flywheel.trials.models import Application, Trial


class ApplicationInline(admin.TabularInline):
    model = Application
    extra = 0
    can_delete = False
    fields = ["member", "status", "applied_at", "shipped_at", "received_at", "feedback_given_at"]
    readonly_fields = fields
    raw_id_fields = ["member"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "places", "state", "apply_by", "feedback_due"]
    list_filter = ["state"]
    search_fields = ["title", "product__title"]
    list_select_related = ["product"]
    raw_id_fields = ["product", "created_by"]
    readonly_fields = ["draw_seed", "drawn_at", "created_at", "description_html"]
    inlines = [ApplicationInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: every change is a business action with its activity."""

    list_display = ["trial", "member", "status", "applied_at", "shipped_at", "feedback_given_at"]
    list_filter = ["status", "feedback_kind"]
    search_fields = ["trial__title", "member__handle", "member__email"]
    list_select_related = ["trial", "member"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
