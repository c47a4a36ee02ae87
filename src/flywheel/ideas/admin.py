"""Categories and feedback boards are set up here; ideas and requests are decided on their
pages (status changes notify supporters, so they go through the services, never a form)."""

from django.contrib import admin

from flywheel.ideas.models import FeedbackBoard, Idea, IdeaCategory, ReviewPeriod


@admin.register(IdeaCategory)
class IdeaCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FeedbackBoard)
class FeedbackBoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReviewPeriod)
class ReviewPeriodAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    """Read-only: statuses change on the idea's page, where supporters are notified."""

    list_display = ["title", "status", "support_count", "buyer_support_count", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    list_select_related = ["category"]
    readonly_fields = [field.name for field in Idea._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
