from django.contrib import admin

from flywheel.privacy.models import BlockedEmailDomain, Consent, DataExport, ErasureRequest


@admin.register(BlockedEmailDomain)
class BlockedEmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "reason", "created_at"]
    search_fields = ["domain"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Consent records are evidence: staff can read them, never edit them."""

    list_display = ["member", "purpose", "granted", "wording_version", "recorded_at"]
    list_filter = ["purpose", "granted"]
    raw_id_fields = ["member"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["member", "content", "status", "reason", "requested_at", "completed_at"]
    list_filter = ["status", "content"]
    raw_id_fields = ["member"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Metadata only; the file itself is for its owner (served by the privacy view)."""

    list_display = ["member", "status", "requested_at", "expires_at", "size_bytes"]
    list_filter = ["status"]
    raw_id_fields = ["member"]
    exclude = ["file_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
