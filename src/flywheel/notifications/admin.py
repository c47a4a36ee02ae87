from django.contrib import admin

from flywheel.accounts.admin_access import ReadOnlyAdmin
from flywheel.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "actor", "topic", "read_at", "emailed_at")
    list_filter = ("kind",)
    list_select_related = ("recipient", "actor", "topic")
    search_fields = ("recipient__handle", "recipient__email")
    date_hierarchy = "created_at"
