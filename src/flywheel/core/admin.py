from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from flywheel.accounts.admin_access import ReadOnlyAdmin
from flywheel.core import outbound, services
from flywheel.core.models import Activity, ActivityDelivery, OutboundMessage


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "verb", "target_type", "target_id", "space")
    list_filter = ("verb",)
    list_select_related = ("actor", "target_type", "space")
    search_fields = ("actor__handle", "actor__email", "dedupe_key")
    date_hierarchy = "created_at"


class ConsumerFilter(admin.SimpleListFilter):
    """The registered consumers (a DISTINCT over every delivery row would be slow)."""

    title = _("consumer")
    parameter_name = "consumer"

    def lookups(self, request, model_admin):
        return [(name, name.rsplit(".", 1)[-1]) for name in services.activity_consumers()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(consumer=self.value())
        return queryset


@admin.register(ActivityDelivery)
class ActivityDeliveryAdmin(ReadOnlyAdmin):
    """Each activity handed to each consumer, and the dead-letter list (filter by state
    "dead"), with a replay action."""

    list_display = (
        "created_at",
        "activity",
        "consumer",
        "state",
        "attempts",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("state", ConsumerFilter)
    list_select_related = ("activity",)
    search_fields = ("=activity__id",)
    actions = ["replay"]

    @admin.display(description=_("last error"))
    def short_error(self, delivery: ActivityDelivery) -> str:
        # The traceback's last line says what went wrong; the whole of it is on the row.
        lines = delivery.last_error.strip().splitlines()
        return lines[-1][:160] if lines else ""

    def has_change_permission(self, request, obj=None) -> bool:
        # The replay action needs change permission; the form itself stays read-only.
        return super().has_view_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("Replay the selected deliveries"))
    def replay(self, request, queryset):
        count = services.replay_deliveries(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
        )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """Calls to Discord, Slack, Telegram and other services outside Flywheel, and their
    dead-letter list (filter by state "dead"), with a replay action."""

    list_display = ("created_at", "kind", "dedupe_key", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "kind")
    search_fields = ("dedupe_key",)
    actions = ["replay"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("Replay the selected messages"))
    def replay(self, request, queryset):
        count = outbound.replay_outbound(queryset)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
        )
