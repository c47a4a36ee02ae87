"""Points, tiers, perks and recognition.

The ledger is the truth: every change to a member's points is one immutable `LedgerEntry`
row, and `PointsAccount` caches what the ledger adds up to (updated in the same transaction,
under a row lock). Points come from `Rule`s applied to the Activity log, so a rule added
later can be back-applied (`flywheel rewards recompute`).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ALL_TIME_START = datetime.date(1970, 1, 1)


class ImmutableLedgerError(Exception):
    """Ledger entries are written once; corrections are new entries (adjust or reverse)."""


# ------------------------------------------------------------------------------- rules


class Beneficiary(models.TextChoices):
    ACTOR = "actor", _("the member who did it")
    PAYLOAD_MEMBER = "payload_member", _("the member named in the activity (payload key)")


class RuleQuerySet(models.QuerySet):
    def live(self) -> "RuleQuerySet":
        return self.filter(active=True)


class Rule(models.Model):
    """Activity verb → points. See docs/rewards.md for every field and condition."""

    name = models.CharField(_("name"), max_length=120)
    verb = models.CharField(
        _("activity verb"),
        max_length=40,
        db_index=True,
        help_text=_(
            "The Activity verb this rule rewards, e.g. reply_created, answer_accepted, "
            "reaction_added, order_placed."
        ),
    )
    beneficiary = models.CharField(
        _("who earns"), max_length=20, choices=Beneficiary.choices, default=Beneficiary.ACTOR
    )
    beneficiary_key = models.CharField(
        _("payload key of the member who earns"),
        max_length=40,
        blank=True,
        help_text=_(
            "With 'the member named in the activity': the payload key holding their id, "
            "e.g. answerer_id or author_id. They never earn from their own action."
        ),
    )
    points = models.PositiveIntegerField(_("points"), default=0)
    points_per_unit = models.DecimalField(
        _("points per currency unit"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For purchases: points per unit of the payload amount (rounded down)."),
    )
    amount_key = models.CharField(_("payload key of the amount"), max_length=40, default="total")
    daily_cap = models.PositiveIntegerField(
        _("daily cap"),
        null=True,
        blank=True,
        help_text=_("The most points one member can earn from this rule per day (UTC)."),
    )
    first_time_only = models.BooleanField(_("first time only"), default=False)
    min_length = models.PositiveIntegerField(
        _("minimum length"),
        null=True,
        blank=True,
        help_text=_("Counts only when the payload 'length' (characters) is at least this."),
    )
    conditions = models.JSONField(
        _("conditions"),
        default=dict,
        blank=True,
        help_text=_(
            'Optional, e.g. {"payload_equals": {"kind": "question"}, '
            '"payload_truthy": ["has_photo"], "currency": "EUR", "min_amount": "20"}.'
        ),
    )
    pending_refund_window = models.BooleanField(
        _("pending during the refund window"),
        default=False,
        help_text=_("Order points stay pending until the refund window has passed."),
    )
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["verb", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0) | Q(points_per_unit__gt=0),
                name="rule_awards_something",
            ),
            models.CheckConstraint(
                condition=Q(beneficiary="actor") | ~Q(beneficiary_key=""),
                name="rule_payload_beneficiary_has_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from flywheel.rewards.rules import validate_rule

        validate_rule(self)


# ------------------------------------------------------------------------------- tiers


class Tier(models.Model):
    """A VIP tier, earned by points (or spend) over the qualifying period; higher rank wins."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the first tier; higher ranks are better.")
    )
    min_points = models.PositiveIntegerField(
        _("points to qualify"),
        null=True,
        blank=True,
        help_text=_("Points earned in the qualifying period (spending never counts against)."),
    )
    min_spend = models.DecimalField(
        _("spend to qualify"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Order totals in the qualifying period, net of refunds."),
    )
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=4, decimal_places=2, default=1
    )
    member_discount_percent = models.DecimalField(
        _("standing member discount (%)"), max_digits=5, decimal_places=2, default=0
    )
    entry_reward_kind = models.CharField(
        _("entry reward"),
        max_length=20,
        blank=True,
        choices=[("percentage", _("percentage off")), ("fixed_amount", _("fixed amount off"))],
        help_text=_("A single-use store code given once, on promotion. Leave empty for none."),
    )
    entry_reward_value = models.DecimalField(
        _("entry reward value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    entry_reward_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    gated_spaces = models.ManyToManyField(
        "community.Space",
        blank=True,
        related_name="reward_tiers",
        verbose_name=_("gated spaces it opens"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("VIP tier")
        verbose_name_plural = _("VIP tiers")
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_points__isnull=False) | Q(min_spend__isnull=False),
                name="tier_has_a_threshold",
            ),
            models.CheckConstraint(
                condition=Q(points_multiplier__gte=1), name="tier_multiplier_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------ ledger


class EntryKind(models.TextChoices):
    AWARD = "award", _("earned")
    REDEEM = "redeem", _("redeemed")
    EXPIRE = "expire", _("expired")
    ADJUST = "adjust", _("adjusted by staff")
    REVERSE = "reverse", _("reversed")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102
        raise ImmutableLedgerError("Ledger entries cannot be updated; append an entry instead.")

    def delete(self):  # noqa: D102
        raise ImmutableLedgerError("Ledger entries cannot be deleted; append a reversal instead.")

    def approved(self) -> "LedgerQuerySet":
        return self.filter(status=EntryStatus.APPROVED)


class LedgerEntry(models.Model):
    """One immutable change to a member's points. Corrections are new entries.

    The only change a stored entry ever sees is its status going pending → approved, when an
    order's refund window passes (services.approve_matured_points); the amounts never change.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.APPROVED
    )
    available_at = models.DateTimeField(_("available at"), null=True, blank=True)
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    # What earned or spent it, e.g. "activity:123:rule:4", "redemption:9", "adjust:<uuid>".
    source_key = models.CharField(_("source"), max_length=200)
    # What the points are about, so a later event can reverse them ("post:12", "order:77").
    origin_key = models.CharField(_("origin"), max_length=100, blank=True, db_index=True)
    activity_id = models.BigIntegerField(null=True, blank=True)
    # Leaderboards per space; no database constraint so that deleting a space never has to
    # touch (update) the ledger.
    space = models.ForeignKey(
        "community.Space",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    created_at = models.DateTimeField(_("recorded at"))

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Idempotency: one source earns (or spends, or reverses) once per member.
            models.UniqueConstraint(
                fields=["member", "source_key", "kind"], name="ledger_once_per_source"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="award", points__gt=0)
                    | Q(kind__in=["redeem", "expire", "reverse"], points__lt=0)
                    | (Q(kind="adjust") & ~Q(points=0))
                ),
                name="ledger_points_sign_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at", "-id"], name="ledger_member_recent"),
            models.Index(fields=["member", "kind", "occurred_at"], name="ledger_member_kind_time"),
            models.Index(fields=["rule", "member", "occurred_at"], name="ledger_rule_member_time"),
            models.Index(fields=["status", "available_at"], name="ledger_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.points:+d} ({self.source_key})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableLedgerError("Ledger entries cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLedgerError("Ledger entries cannot be deleted; append a reversal instead.")

    @property
    def is_pending(self) -> bool:
        return self.status == EntryStatus.PENDING


class PointsAccount(models.Model):
    """What a member's ledger adds up to, cached; changed only with the ledger, under lock."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_account"
    )
    balance = models.IntegerField(_("balance"), default=0)
    pending = models.IntegerField(_("pending"), default=0)
    lifetime_earned = models.IntegerField(_("lifetime earned"), default=0)
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    tier_since = models.DateTimeField(_("in this tier since"), null=True, blank=True)
    # Points expire after FLYWHEEL_POINTS_EXPIRY_DAYS without earning or spending.
    last_activity_at = models.DateTimeField(_("last earned or spent"), null=True, blank=True)
    expiry_warning_sent_at = models.DateTimeField(null=True, blank=True)
    expiry_last_chance_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        indexes = [
            models.Index(
                fields=["last_activity_at"],
                condition=Q(balance__gt=0),
                name="points_expiry_candidates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.balance}"


class TierPromotion(models.Model):
    """A member reached a tier. Once per tier ever, so the entry reward is given only once."""

    class RewardStatus(models.TextChoices):
        NONE = "none", _("no entry reward")
        PENDING = "pending", _("pending")
        ISSUED = "issued", _("issued")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tier_promotions"
    )
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="promotions")
    promoted_at = models.DateTimeField()
    reward_status = models.CharField(
        max_length=10, choices=RewardStatus.choices, default=RewardStatus.NONE
    )
    reward_code = models.CharField(max_length=60, blank=True)
    reward_url = models.URLField(blank=True)
    reward_error = models.CharField(max_length=500, blank=True)
    reward_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tier promotion")
        verbose_name_plural = _("tier promotions")
        ordering = ["-promoted_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "tier"], name="promotion_once_per_tier")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.tier_id}"


class StandingDiscount(models.Model):
    """A member's personal, multi-use store code for their tier's standing discount.

    At most one is current (active, or pending until the store creates it) per member. A
    tier change that changes the percentage disables the old code (`disabled`; `disabled_at`
    is set once the store has deleted it, empty while that is still to do) and starts a new
    one. See services.sync_standing_discount."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the store")
        ACTIVE = "active", _("active")
        DISABLED = "disabled", _("disabled")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing_discounts"
    )
    tier = models.ForeignKey(
        Tier, null=True, on_delete=models.SET_NULL, related_name="standing_discounts"
    )
    percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The shop it was created in (disabling goes there even if another shop is connected).
    store = models.ForeignKey(
        "commerce.Store", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(_("code"), max_length=60, blank=True)
    # The adapter's DiscountCode.reference: what disable_discount_code needs.
    platform_id = models.CharField(max_length=100, blank=True)
    url = models.URLField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("standing member discount")
        verbose_name_plural = _("standing member discounts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["pending", "active"]),
                name="standing_discount_one_current_per_member",
            ),
            models.CheckConstraint(condition=Q(percent__gt=0), name="standing_discount_positive"),
        ]
        indexes = [
            models.Index(
                fields=["status"],
                condition=Q(status="pending") | Q(status="disabled", disabled_at__isnull=True),
                name="standing_discount_to_do",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.percent}% ({self.status})"

    @property
    def is_current(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.ACTIVE)


# ------------------------------------------------------------------------------- perks


class PerkKind(models.TextChoices):
    DISCOUNT_CODE = "discount_code", _("store discount code")
    EARLY_ACCESS = "early_access", _("early access")
    EXCLUSIVE_CONTENT = "exclusive_content", _("exclusive content")


class Perk(models.Model):
    """Something members redeem points for."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PerkKind.choices)
    description = models.TextField(_("description"), blank=True)
    cost_points = models.PositiveIntegerField(_("cost in points"))
    discount_kind = models.CharField(
        _("discount kind"),
        max_length=20,
        blank=True,
        choices=[("percentage", _("percentage off")), ("fixed_amount", _("fixed amount off"))],
    )
    discount_value = models.DecimalField(
        _("discount value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    discount_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    space = models.ForeignKey(
        "community.Space",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reward_perks",
        verbose_name=_("gated space it opens"),
    )
    secret_url = models.URLField(_("secret link"), blank=True)
    content = models.TextField(
        _("exclusive content (Markdown)"), blank=True, help_text=_("Shown after redeeming.")
    )
    min_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="perks",
        verbose_name=_("for this tier and above"),
    )
    stock = models.PositiveIntegerField(
        _("stock left"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )
    per_member_limit = models.PositiveSmallIntegerField(_("redemptions per member"), default=1)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("perk")
        verbose_name_plural = _("perks")
        ordering = ["position", "cost_points", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost_points__gt=0), name="perk_costs_points"),
            models.CheckConstraint(
                condition=~Q(kind="discount_code")
                | (Q(discount_value__gt=0) & ~Q(discount_kind="")),
                name="perk_discount_has_value",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        FULFILLED = "fulfilled", _("ready")
        FAILED = "failed", _("failed, points returned")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions"
    )
    perk = models.ForeignKey(Perk, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    code = models.CharField(max_length=60, blank=True)
    code_url = models.URLField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"], name="redemption_member_recent")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.perk_id} ({self.status})"


# -------------------------------------------------------------------------- leaderboards


class Period(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    ALL = "all", _("All time")


class LeaderboardScore(models.Model):
    """Points earned per member per period (and per space), kept up to date on every entry
    that earns or reverses, so a leaderboard is one indexed range read."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    space = models.ForeignKey(
        "community.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    points = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("leaderboard score")
        verbose_name_plural = _("leaderboard scores")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period", "period_start"],
                condition=Q(space__isnull=True),
                name="score_once_overall",
            ),
            models.UniqueConstraint(
                fields=["member", "period", "period_start", "space"],
                condition=Q(space__isnull=False),
                name="score_once_per_space",
            ),
        ]
        indexes = [
            models.Index(
                fields=["period", "period_start", "space", "-points", "member"],
                name="leaderboard_ranking",
            ),
            # PostgreSQL cannot use the index above's order when the space is NULL (IS NULL
            # is not an equality to it), so the overall boards get their own.
            models.Index(
                fields=["period", "period_start", "-points", "member"],
                condition=Q(space__isnull=True),
                name="leaderboard_overall_ranking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period} {self.period_start}: {self.points}"


# --------------------------------------------------------------------- member of the month


class Nomination(models.Model):
    nominator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations_made"
    )
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations"
    )
    month = models.DateField(help_text=_("The first day of the month."))
    reason = models.TextField(_("why"), max_length=1000)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-month", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nominator", "month"], name="one_nomination_per_member_per_month"
            ),
            models.CheckConstraint(
                condition=~Q(nominator=models.F("nominee")), name="no_self_nomination"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_id} ({self.month:%Y-%m})"


class MemberOfTheMonth(models.Model):
    month = models.DateField(unique=True, help_text=_("The first day of the month."))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="months_featured"
    )
    citation = models.TextField(_("citation"), max_length=1000)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("member of the month")
        verbose_name_plural = _("members of the month")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.member_id}"
