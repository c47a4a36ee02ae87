from django.contrib import admin

from flywheel.accounts.admin_access import ReadOnlyAdmin
from flywheel.core.models import Activity


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "verb", "target_type", "target_id", "space")
    list_filter = ("verb",)
    list_select_related = ("actor", "target_type", "space")
    search_fields = ("actor__handle", "actor__email", "dedupe_key")
    date_hierarchy = "created_at"
