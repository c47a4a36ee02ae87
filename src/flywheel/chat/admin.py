from django.contrib import admin

from flywheel.chat.models import MessageFlag, Room, RoomSanction


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "space", "slow_mode_seconds", "last_message_at")
    list_filter = ("kind",)
    list_select_related = ("space",)
    search_fields = ("name",)
    readonly_fields = ("kind", "direct_key", "target_type", "target_id", "created_by", "created_at")
    fields = ("name", "topic", "space", "position", "slow_mode_seconds", *readonly_fields)

    def get_queryset(self, request):
        # Direct conversations are private: the admin lists rooms, not DMs.
        return super().get_queryset(request).filter(kind="room")

    def has_add_permission(self, request):
        return False


@admin.register(MessageFlag)
class MessageFlagAdmin(admin.ModelAdmin):
    list_display = ("message", "flagger", "reason", "created_at", "resolved_at")
    list_select_related = ("message", "flagger")
    readonly_fields = ("message", "flagger", "reason", "created_at")


@admin.register(RoomSanction)
class RoomSanctionAdmin(admin.ModelAdmin):
    list_display = ("room", "member", "kind", "ends_at", "lifted_at", "created_by")
    list_select_related = ("room", "member", "created_by")
    readonly_fields = ("room", "member", "kind", "created_by", "created_at")
