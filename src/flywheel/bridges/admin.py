from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from flywheel.accounts.admin_access import RoleBasedAdmin
from flywheel.bridges import services
from flywheel.bridges.models import Bridge


class BridgeForm(forms.ModelForm):
    class Meta:
        model = Bridge
        fields = [
            "name",
            "platform",
            "webhook_url",
            "bot_token",
            "chat_id",
            "spaces",
            "post_announcements",
            "post_event_reminders",
            "language",
            "is_active",
        ]
        widgets = {
            # Secrets are written, never shown back: left empty, the stored one stays.
            "webhook_url": forms.PasswordInput(render_value=False),
            "bot_token": forms.PasswordInput(render_value=False),
        }

    def clean(self):
        cleaned = super().clean()
        for secret in ("webhook_url", "bot_token"):
            if not cleaned.get(secret) and self.instance.pk:
                cleaned[secret] = getattr(self.instance, secret)
                setattr(self.instance, secret, cleaned[secret])
        return cleaned


@admin.register(Bridge)
class BridgeAdmin(RoleBasedAdmin):
    form = BridgeForm
    list_display = ("name", "platform", "is_active", "post_announcements", "post_event_reminders")
    list_filter = ("platform", "is_active")
    filter_horizontal = ("spaces",)
    actions = ["send_test"]

    @admin.action(description=_("Send a test message"))
    def send_test(self, request, queryset):
        count = 0
        for bridge in queryset.filter(is_active=True):
            services.send_test_post(bridge=bridge)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d test message queued.", "%(count)d test messages queued.", count)
            % {"count": count},
        )
