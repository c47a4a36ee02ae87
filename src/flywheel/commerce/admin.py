import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from flywheel.accounts.admin_access import ReadOnlyAdmin, RoleBasedAdmin
from flywheel.commerce import services
from flywheel.commerce.models import (
    Customer,
    Order,
    OrderLine,
    PrivacyRequest,
    Product,
    SpaceGate,
    Store,
    WebhookDelivery,
)
from flywheel.core.exceptions import DomainError


class StoreForm(forms.ModelForm):
    """Secrets are write-only: typing a new value replaces them, leaving blank keeps them."""

    webhook_secret = forms.CharField(
        label=_("webhook secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave blank to keep the current secret."),
    )
    api_token = forms.CharField(
        label=_("API token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave blank to keep the current token."),
    )

    class Meta:
        model = Store
        fields = ["platform", "domain", "platform_store_id", "name", "currency", "active"]

    def clean_webhook_secret(self):
        value = self.cleaned_data["webhook_secret"]
        if not value and not (self.instance.pk and self.instance.webhook_secret):
            raise forms.ValidationError(_("A webhook secret is required."))
        return value

    def save(self, commit=True):
        store = super().save(commit=False)
        if self.cleaned_data.get("webhook_secret"):
            store.webhook_secret = self.cleaned_data["webhook_secret"]
        if self.cleaned_data.get("api_token"):
            store.api_token = self.cleaned_data["api_token"]
        if commit:
            store.save()
        return store


@admin.register(Store)
class StoreAdmin(RoleBasedAdmin):
    form = StoreForm
    list_display = ["domain", "platform", "currency", "active", "last_synced_at"]
    list_filter = ["platform", "active"]
    search_fields = ["domain", "name"]


class LinkCustomerForm(forms.Form):
    handle = forms.CharField(label=_("member handle or e-mail"), max_length=254)


@admin.register(Customer)
class CustomerAdmin(RoleBasedAdmin):
    list_display = ["__str__", "store", "member", "accepts_marketing", "redacted_at"]
    list_filter = ["store", "accepts_marketing"]
    search_fields = ["email", "external_id", "first_name", "last_name"]
    raw_id_fields = ["member"]
    list_select_related = ["store", "member"]
    readonly_fields = ["redacted_at", "deleted_at", "platform_updated_at"]
    actions = ["link_to_member"]

    @admin.action(description=_("Link the selected customers to a member"))
    def link_to_member(self, request, queryset):
        if "apply" in request.POST:
            form = LinkCustomerForm(request.POST)
            if form.is_valid():
                value = form.cleaned_data["handle"].strip().lstrip("@")
                member = (
                    get_user_model().objects.filter(handle__iexact=value).first()
                    or get_user_model().objects.filter(email__iexact=value).first()
                )
                if member is None:
                    self.message_user(request, _("No member has that handle."), messages.ERROR)
                    return None
                linked = 0
                for customer in queryset:
                    try:
                        services.link_customer_to_member(
                            customer=customer, member=member, by=request.user
                        )
                        linked += 1
                    except DomainError as error:
                        self.message_user(request, f"{customer}: {error.message}", messages.ERROR)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d customer linked to %(member)s.",
                        "%(count)d customers linked to %(member)s.",
                        linked,
                    )
                    % {"count": linked, "member": member.handle},
                )
                return redirect(request.get_full_path())
        else:
            form = LinkCustomerForm()
        return render(
            request,
            "commerce/admin_link_customers.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Link customers to a member"),
                "customers": queryset,
                "form": form,
                "opts": self.model._meta,
            },
        )


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["title", "sku", "quantity", "refunded_quantity", "price", "total", "product"]
    readonly_fields = fields
    can_delete = False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "store",
        "customer",
        "total",
        "currency",
        "financial_status",
        "test",
        "placed_at",
    ]
    list_filter = ["store", "financial_status", "fulfillment_status", "test"]
    search_fields = ["number", "external_id", "email"]
    list_select_related = ["store", "customer"]
    inlines = [OrderLineInline]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["title", "store", "handle", "deleted"]
    list_filter = ["store", "deleted"]
    search_fields = ["title", "handle", "external_id"]
    list_select_related = ["store"]


# Header names that carry a credential. Signatures are no longer stored (migration 0004), but
# a row written by an older version, or a platform adding a header, must not show one.
SECRET_HEADER_WORDS = ("hmac", "signature", "secret", "token", "authorization", "cookie")
REDACTED = "[redacted]"


def shown_headers(headers) -> dict:
    """The stored headers as the admin shows them: credential-bearing ones redacted."""
    if not isinstance(headers, dict):
        return {}
    return {
        name: REDACTED if any(word in str(name).lower() for word in SECRET_HEADER_WORDS) else value
        for name, value in headers.items()
    }


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The inbox and its dead-letter list (filter by status "dead"), with a replay action."""

    list_display = ["received_at", "store", "topic", "status", "attempts", "short_error"]
    list_filter = ["status", "platform", "topic"]
    search_fields = ["event_id", "topic"]
    list_select_related = ["store"]
    actions = ["replay"]

    @admin.display(description=_("last error"))
    def short_error(self, delivery: WebhookDelivery) -> str:
        return delivery.last_error[:120]

    def has_change_permission(self, request, obj=None) -> bool:
        # The replay action needs change permission; the form itself stays read-only.
        return super().has_view_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [
            "safe_headers" if field.name == "headers" else field.name
            for field in self.model._meta.fields
        ]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("headers"))
    def safe_headers(self, delivery: WebhookDelivery) -> str:
        return json.dumps(shown_headers(delivery.headers), indent=2, sort_keys=True)

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


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "store", "kind", "customer_external_id", "completed_at"]
    list_filter = ["kind", "store"]
    list_select_related = ["store"]


@admin.register(SpaceGate)
class SpaceGateAdmin(RoleBasedAdmin):
    list_display = ["space", "any_order"]
    filter_horizontal = ["products"]
    list_select_related = ["space"]
