"""Referral codes and links, clicks, referrals (one per referred customer) and the
ambassador programme. Every write goes through services.py; see docs/referrals.md."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CodeKind(models.TextChoices):
    PERSONAL = "personal", _("Personal link")
    VANITY = "vanity", _("Ambassador code")


class ReferralCode(models.Model):
    """A member's share code: `/r/<code>`. Every member has one personal code (created the
    first time it is needed); an ambassador may also hold vanity codes that exist in the
    shop as discount codes. Codes are stored upper-case and unique, case-insensitively."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_codes"
    )
    code = models.CharField(_("code"), max_length=50, unique=True)
    kind = models.CharField(max_length=10, choices=CodeKind.choices, default=CodeKind.PERSONAL)
    # A vanity code created in the shop: where, and what to disable when it is retired.
    store = models.ForeignKey(
        "commerce.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    platform_reference = models.CharField(max_length=200, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # The owner's own (hashed) IP when they last opened their invite page: a friend
    # clicking from the same address soon after is probably the owner.
    owner_ip_hash = models.CharField(max_length=64, blank=True)
    owner_ip_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind="personal"),
                name="referrals_one_personal_code_per_member",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9_-]{3,50}$"), name="referrals_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LinkTarget(models.TextChoices):
    COMMUNITY = "community", _("Community")
    STORE = "store", _("Shop")


class ReferralClick(models.Model):
    code = models.ForeignKey(ReferralCode, on_delete=models.CASCADE, related_name="clicks")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    landing_path = models.CharField(max_length=300, blank=True)
    target = models.CharField(max_length=10, choices=LinkTarget.choices)
    # The keyed hash of the visitor's first-party device cookie (services.DEVICE_COOKIE).
    device_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("referral click")
        verbose_name_plural = _("referral clicks")
        indexes = [models.Index(fields=["code", "created_at"])]

    def __str__(self) -> str:
        return f"{self.code_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Source(models.TextChoices):
    """How the referral was attributed, strongest first."""

    DISCOUNT_CODE = "discount_code", _("Referral code used at checkout")
    LANDING_REF = "landing_ref", _("Link parameter on the order")
    EMAIL = "email", _("E-mail of a referred sign-up")
    SIGNUP = "signup", _("Signed up through the link")


class ReferralStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    HELD = "held", _("Waiting for review")
    PENDING = "pending", _("First order paid: reward pending")
    APPROVED = "approved", _("Rewarded")
    REVERSED = "reversed", _("Reversed (refunded or cancelled)")
    REJECTED = "rejected", _("Rejected")


class Referral(models.Model):
    """One referred customer and who brought them. `referred_key` is the friend's e-mail in
    canonical form (see fraud.canonical_email), so one person is referred at most once."""

    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    code = models.ForeignKey(ReferralCode, on_delete=models.CASCADE, related_name="referrals")
    click = models.ForeignKey(
        ReferralClick, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_key = models.CharField(max_length=254, unique=True)
    referred_email = models.EmailField(blank=True)
    referred_member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_by",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SIGNED_UP
    )
    first_order = models.OneToOneField(
        "commerce.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    order_currency = models.CharField(max_length=3, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # The friend's welcome code in the shop (single use).
    friend_code = models.CharField(max_length=50, blank=True)
    friend_code_reference = models.CharField(max_length=200, blank=True)
    # The keyed hash of the device cookie the friend signed up with, if any.
    signup_device_hash = models.CharField(max_length=64, blank=True)
    # The keyed hash of the hashed IP and user agent the friend signed up from.
    signup_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["referrer", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(referrer=models.F("referred_member")),
                name="referrals_not_self",
            )
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.referred_key}"

    @property
    def author(self):
        """The member under review when the referral waits in the moderation queue (the
        queue names an item's member from its target's `author`)."""
        return self.referrer


class OwnerDevice(models.Model):
    """A device a member used on their own invite page: the keyed hash of the first-party
    device cookie and of the hashed IP with the user agent. A friend's click or sign-up from
    one of these is probably the member themselves (fraud.check_same_device)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_devices"
    )
    device_hash = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referrer device")
        verbose_name_plural = _("referrer devices")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "device_hash", "fingerprint"], name="referrals_one_device_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.device_hash[:8]}/{self.fingerprint[:8]}"


class CreditState(models.TextChoices):
    QUEUED = "queued", _("Being issued")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused by the shop")
    WITHDRAWING = "withdrawing", _("Being withdrawn")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StoreCredit(models.Model):
    """Store credit earned by a referral (one per referral), issued in the shop through its
    adapter (a Shopify gift card, a BigCommerce gift certificate, a WooCommerce single-use
    coupon tied to the referrer's e-mail) by the outbound message `referrals.store_credit`.
    `code` is deterministic per referral, so a retried issue is recognised by the shop
    instead of paid twice. A referral rejected after its credit was issued withdraws it
    (`referrals.store_credit_withdrawal`: disabled or deleted in the shop)."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="store_credit")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_store_credits"
    )
    store = models.ForeignKey(
        "commerce.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    code = models.CharField(max_length=20, unique=True)
    state = models.CharField(max_length=12, choices=CreditState.choices, default=CreditState.QUEUED)
    platform_reference = models.CharField(max_length=200, blank=True)
    refusal = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral store credit")
        verbose_name_plural = _("referral store credits")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="referrals_credit_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for referral {self.referral_id}"


# ------------------------------------------------------------------------------ ambassadors


class AmbassadorTier(models.Model):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    commission_percent = models.DecimalField(
        # xgettext:no-python-format -- a label, never %-interpolated; without this
        # marker msgfmt reads "% o" as an octal directive every translation must keep.
        _("commission (% of attributed revenue)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
    )
    bonus_points = models.PositiveIntegerField(_("bonus points per first order"), default=0)
    perk = models.CharField(_("perk"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ambassador tier")
        verbose_name_plural = _("ambassador tiers")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class AmbassadorApplication(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_applications"
    )
    why = models.TextField(_("why you want to be an ambassador"), max_length=2000)
    social_profiles = models.TextField(_("social profiles (one link a line)"), max_length=1000)
    audience_size = models.PositiveIntegerField(_("audience size"))
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ambassador application")
        verbose_name_plural = _("ambassador applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="referrals_one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ({self.status})"


class Ambassador(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador"
    )
    tier = models.ForeignKey(AmbassadorTier, on_delete=models.PROTECT, related_name="ambassadors")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")

    def __str__(self) -> str:
        return str(self.member_id)

    @property
    def is_active(self) -> bool:
        return self.left_at is None
