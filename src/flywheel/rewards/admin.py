"""Staff configure rules, tiers and perks here; the ledger is read-only apart from adding
adjustments, which go through services.adjust_points (with a reason, and who did it)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from flywheel.accounts.admin_access import ReadOnlyAdmin, RoleBasedAdmin, is_admin_user
from flywheel.core.exceptions import DomainError
from flywheel.rewards import services
from flywheel.rewards.models import (
    LedgerEntry,
    MemberOfTheMonth,
    Nomination,
    Perk,
    PointsAccount,
    Redemption,
    Rule,
    StandingDiscount,
    Tier,
    TierPromotion,
)


@admin.register(Rule)
class RuleAdmin(RoleBasedAdmin):
    list_display = (
        "name",
        "verb",
        "beneficiary",
        "points",
        "points_per_unit",
        "daily_cap",
        "first_time_only",
        "active",
    )
    list_filter = ("active", "verb", "beneficiary")
    search_fields = ("name", "verb")
    fieldsets = (
        (None, {"fields": ("name", "verb", "active", "valid_from", "valid_until")}),
        (_("Who earns what"), {"fields": ("beneficiary", "beneficiary_key", "points")}),
        (
            _("Purchases"),
            {"fields": ("points_per_unit", "amount_key", "pending_refund_window")},
        ),
        (
            _("Limits and conditions"),
            {"fields": ("daily_cap", "first_time_only", "min_length", "conditions")},
        ),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Rules that earned points stay for the ledger's sake; deactivate them instead.
        return is_admin_user(request) and (obj is None or not obj.ledger_entries.exists())


@admin.register(Tier)
class TierAdmin(RoleBasedAdmin):
    list_display = ("name", "rank", "min_points", "min_spend", "points_multiplier")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("gated_spaces",)


@admin.register(Perk)
class PerkAdmin(RoleBasedAdmin):
    list_display = ("name", "kind", "cost_points", "min_tier", "stock", "active", "position")
    list_filter = ("kind", "active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class AdjustmentForm(forms.ModelForm):
    """The only entries staff add by hand: adjustments, with a reason."""

    member = forms.ModelChoiceField(queryset=get_user_model().objects.all())
    points = forms.IntegerField(help_text=_("Positive to add, negative to take away."))
    reason = forms.CharField(max_length=300)

    class Meta:
        model = LedgerEntry
        fields = ("member", "points", "reason")

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("Adjust by something other than zero."))
        return points


@admin.register(LedgerEntry)
class LedgerEntryAdmin(RoleBasedAdmin):
    list_display = ("created_at", "member", "kind", "points", "status", "reason", "source_key")
    list_filter = ("kind", "status")
    search_fields = ("member__handle", "member__email", "source_key", "origin_key")
    list_select_related = ("member",)
    autocomplete_fields = ("member",)
    date_hierarchy = "created_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AdjustmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("member", "points", "reason")
        return [field.name for field in LedgerEntry._meta.fields]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else ()

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        entry = services.adjust_points(
            member=form.cleaned_data["member"],
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        obj.pk = entry.pk
        obj._state.adding = False


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ("member", "balance", "pending", "lifetime_earned", "tier", "last_activity_at")
    list_select_related = ("member", "tier")
    search_fields = ("member__handle", "member__email")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "member", "perk", "points", "status", "code")
    list_filter = ("status",)
    list_select_related = ("member", "perk")


@admin.register(TierPromotion)
class TierPromotionAdmin(ReadOnlyAdmin):
    list_display = ("promoted_at", "member", "tier", "reward_status", "reward_code", "reward_error")
    list_filter = ("reward_status", "tier")
    list_select_related = ("member", "tier")
    actions = ("retry_entry_reward",)

    @admin.action(description=_("Try to issue the entry reward again"))
    def retry_entry_reward(self, request, queryset):
        issued = 0
        for promotion in queryset.filter(reward_status=TierPromotion.RewardStatus.PENDING):
            issued += (
                services.issue_entry_reward(promotion.pk).reward_status
                == TierPromotion.RewardStatus.ISSUED
            )
        self.message_user(request, _("%(count)d entry rewards issued.") % {"count": issued})


@admin.register(StandingDiscount)
class StandingDiscountAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "member", "tier", "percent", "status", "code", "error")
    list_filter = ("status", "tier")
    search_fields = ("code",)
    list_select_related = ("member", "tier")
    actions = ("sync_again",)

    @admin.action(description=_("Bring the shop in line again (create or delete the code)"))
    def sync_again(self, request, queryset):
        member_ids = set(queryset.values_list("member_id", flat=True))
        # Staff asking again starts the attempt count over.
        queryset.exclude(status=StandingDiscount.Status.ACTIVE).update(attempts=0)
        for member_id in sorted(member_ids):
            services.reconcile_standing_discount(member_id)
        self.message_user(
            request,
            _("%(count)d members' standing discounts checked.") % {"count": len(member_ids)},
        )


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("month", "nominee", "nominator", "reason")
    list_select_related = ("nominee", "nominator")
    list_filter = ("month",)
    actions = ("feature_nominee",)

    @admin.action(description=_("Feature as member of the month (reason as citation)"))
    def feature_nominee(self, request, queryset):
        nomination = queryset.select_related("nominee").first()
        if queryset.count() != 1 or nomination is None:
            self.message_user(request, _("Choose exactly one nomination."), messages.ERROR)
            return
        try:
            services.pick_member_of_the_month(
                member=nomination.nominee,
                citation=nomination.reason,
                by=request.user,
                month=nomination.month,
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("Featured %(name)s.") % {"name": nomination.nominee.name})


@admin.register(MemberOfTheMonth)
class MemberOfTheMonthAdmin(RoleBasedAdmin):
    list_display = ("month", "member", "picked_by")
    list_select_related = ("member",)
    autocomplete_fields = ("member",)
    exclude = ("picked_by", "created_at")

    def save_model(self, request, obj, form, change):
        services.pick_member_of_the_month(
            member=obj.member, citation=obj.citation, by=request.user, month=obj.month
        )
        saved = MemberOfTheMonth.objects.get(month=obj.month.replace(day=1))
        obj.pk = saved.pk
        obj._state.adding = False
