"""Every write to points, tiers, perks and recognition, each one business action.

The ledger only grows. Every function that changes points locks the member's PointsAccount
row (select_for_update), appends entries and updates the cached balance in the same
transaction, so concurrent awards and redemptions for one member add up exactly.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flywheel.core.exceptions import Conflict, DomainError, InvalidInput
from flywheel.core.models import Activity, Verb
from flywheel.rewards.models import (
    ALL_TIME_START,
    EntryKind,
    EntryStatus,
    LeaderboardScore,
    LedgerEntry,
    LedgerQuerySet,
    MemberOfTheMonth,
    Nomination,
    Period,
    Perk,
    PerkKind,
    PointsAccount,
    Redemption,
    Rule,
    StandingDiscount,
    Tier,
    TierPromotion,
)
from flywheel.rewards.rules import Earning, capped_points

logger = logging.getLogger(__name__)

EARNING_KINDS = (EntryKind.AWARD, EntryKind.REVERSE)


class InsufficientPoints(DomainError):
    code = "insufficient_points"
    status = 409


class PerkUnavailable(Conflict):
    code = "perk_unavailable"


# ------------------------------------------------------------------------------ settings


def expiry_days() -> int:
    return int(settings.FLYWHEEL_POINTS_EXPIRY_DAYS)


def refund_window() -> datetime.timedelta:
    return datetime.timedelta(days=int(settings.FLYWHEEL_REFUND_WINDOW_DAYS))


def tier_period() -> str:
    """'rolling_12_months' (default) or 'calendar_year' (a year's points keep the tier
    through the next year)."""
    return settings.FLYWHEEL_VIP_PERIOD


# ------------------------------------------------------------------------------ the ledger


def _locked_account(member_id: int) -> PointsAccount:
    account = PointsAccount.objects.select_for_update().filter(member_id=member_id).first()
    if account is None:
        PointsAccount.objects.get_or_create(member_id=member_id)
        account = PointsAccount.objects.select_for_update().get(member_id=member_id)
    return account


def period_starts(day: datetime.date) -> list[tuple[str, datetime.date]]:
    return [
        (Period.WEEK, day - datetime.timedelta(days=day.weekday())),
        (Period.MONTH, day.replace(day=1)),
        (Period.ALL, ALL_TIME_START),
    ]


def _bump_leaderboards(*, member_id: int, space_id: int | None, at, delta: int) -> None:
    """Add earned (or reversed) points to the member's weekly, monthly and all-time scores,
    overall and in the space: one upsert statement each (PostgreSQL and SQLite both take
    ON CONFLICT with the partial unique index's predicate). Raw SQL because the ORM's
    bulk_create(update_conflicts=True) can only overwrite, not add."""
    if not delta:
        return
    day = at.astimezone(datetime.UTC).date()
    starts = period_starts(day)
    table = LeaderboardScore._meta.db_table
    with connection.cursor() as cursor:
        for space in (None, space_id) if space_id else (None,):
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(starts))
            params: list = []
            for period, start in starts:
                params += [member_id, str(period), start, space, delta]
            if space is None:
                target = "(member_id, period, period_start) WHERE space_id IS NULL"
            else:
                target = "(member_id, period, period_start, space_id) WHERE space_id IS NOT NULL"
            cursor.execute(
                f"INSERT INTO {table} (member_id, period, period_start, space_id, points) "  # noqa: S608 - names from the model
                f"VALUES {values} ON CONFLICT {target} "
                f"DO UPDATE SET points = {table}.points + excluded.points",
                params,
            )


def _append(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    source_key: str,
    occurred_at,
    status: str = EntryStatus.APPROVED,
    available_at=None,
    rule: Rule | None = None,
    origin_key: str = "",
    activity_id: int | None = None,
    space_id: int | None = None,
    reason: str = "",
    created_by=None,
    known_new: bool = False,
) -> LedgerEntry | None:
    """Append one entry and update the locked account; None when the source already has
    an entry of this kind. Callers hold the account lock, so the check cannot race another
    writer for this member; the unique constraint stays the last word."""
    if (
        not known_new
        and LedgerEntry.objects.filter(
            member_id=account.member_id, source_key=source_key, kind=kind
        ).exists()
    ):
        return None
    entry = LedgerEntry.objects.create(
        member_id=account.member_id,
        kind=kind,
        points=points,
        status=status,
        available_at=available_at,
        rule=rule,
        source_key=source_key,
        origin_key=origin_key,
        activity_id=activity_id,
        space_id=space_id,
        reason=reason[:300],
        created_by=created_by,
        occurred_at=occurred_at,
        created_at=timezone.now(),
    )
    fields = ["updated_at"]
    if status == EntryStatus.PENDING:
        account.pending += points
        fields.append("pending")
    else:
        account.balance += points
        fields.append("balance")
        if kind in EARNING_KINDS:
            account.lifetime_earned += points
            fields.append("lifetime_earned")
    if kind in (EntryKind.AWARD, EntryKind.REDEEM):
        # Earning or spending keeps points alive; warnings start over.
        if account.last_activity_at is None or occurred_at > account.last_activity_at:
            account.last_activity_at = occurred_at
        account.expiry_warning_sent_at = None
        account.expiry_last_chance_sent_at = None
        fields += ["last_activity_at", "expiry_warning_sent_at", "expiry_last_chance_sent_at"]
    account.save(update_fields=fields)
    if status == EntryStatus.APPROVED and kind in EARNING_KINDS:
        _bump_leaderboards(
            member_id=account.member_id, space_id=space_id, at=occurred_at, delta=points
        )
    return entry


def award_for_rule(*, rule: Rule, activity: Activity, earning: Earning) -> LedgerEntry | None:
    """Award what a rule gives for an activity: capped, multiplied by the member's tier at
    that time, pending through the refund window for order rules. Once per (activity, rule)."""
    source_key = f"activity:{activity.pk}:rule:{rule.pk}"
    member_id = earning.member_id
    if not get_user_model().objects.filter(pk=member_id, is_active=True).exists():
        return None
    with transaction.atomic():
        account = _locked_account(member_id)
        if LedgerEntry.objects.filter(
            member_id=member_id, source_key=source_key, kind=EntryKind.AWARD
        ).exists():
            return None
        at = activity.created_at
        tiers = list(Tier.objects.order_by("-rank"))
        standing = Qualification.for_tiers(member_id, at=at, tiers=tiers)
        tier = standing.tier(tiers)
        points = earning.points
        if tier is not None and tier.points_multiplier != 1:
            points = int(
                (Decimal(points) * tier.points_multiplier).to_integral_value(rounding=ROUND_DOWN)
            )
        points = capped_points(rule, member_id=member_id, points=points, at=at)
        if points <= 0:
            return None
        status, available_at = EntryStatus.APPROVED, None
        if rule.pending_refund_window:
            available_at = at + refund_window()
            if available_at > timezone.now():
                status = EntryStatus.PENDING
        from flywheel.rewards.rules import origin_key_for

        entry = _append(
            account,
            kind=EntryKind.AWARD,
            points=points,
            source_key=source_key,
            occurred_at=at,
            status=status,
            available_at=available_at,
            rule=rule,
            origin_key=origin_key_for(activity),
            activity_id=activity.pk,
            space_id=activity.space_id,
            reason=rule.name,
            known_new=True,
        )
        if entry is not None:
            # The undoing may have been handled first (a refund webhook processed before
            # its order's): apply it now, so the outcome never depends on arrival order.
            for undoing in _undoing_activities(entry.origin_key):
                reverse_origin(
                    origin_key=entry.origin_key,
                    activity=undoing,
                    reason=undoing.get_verb_display(),
                )
            if status == EntryStatus.APPROVED:
                # What the member stands on now: the same reads plus this award.
                reached = standing.plus(points).tier(tiers)
                current_rank = account.tier.rank if account.tier_id else 0
                if reached is not None and reached.rank > current_rank:
                    _set_tier(account, tier=reached, at=at)
        return entry


def _undoing_activities(origin_key: str) -> list[Activity]:
    from flywheel.rewards.rules import UNDOING_VERBS_BY_ORIGIN

    kind, _sep, target_id = origin_key.partition(":")
    verbs = UNDOING_VERBS_BY_ORIGIN.get(kind)
    if verbs is None or not target_id.isdigit():
        return []
    return list(
        Activity.objects.filter(verb__in=verbs, target_id=int(target_id)).order_by(
            "created_at", "id"
        )
    )


def _refund_share(activity: Activity) -> Decimal | None:
    """The refunded share of an order (0–1], or None for "everything"."""
    payload = activity.payload or {}
    try:
        amount = Decimal(str(payload.get("amount")))
        total = Decimal(str(payload.get("total")))
    except (ArithmeticError, ValueError):
        return None
    if not (amount.is_finite() and total.is_finite()) or total <= 0 or amount >= total:
        return None
    return max(amount, Decimal(0)) / total


def reverse_origin(*, origin_key: str, activity: Activity, reason: str = "") -> int:
    """Take back points earned for something that was undone: a deleted post, a refunded
    order (in proportion to the refund), a fraudulent referral. Returns entries written."""
    written = 0
    share = _refund_share(activity) if activity.verb == Verb.ORDER_REFUNDED else None
    refund_id = (activity.payload or {}).get("refund_id") or activity.pk
    awards = list(
        LedgerEntry.objects.filter(origin_key=origin_key, kind=EntryKind.AWARD).order_by("pk")
    )
    for award in awards:
        with transaction.atomic():
            account = _locked_account(award.member_id)
            award = LedgerEntry.objects.get(pk=award.pk)  # its status as of the lock
            if activity.verb == Verb.ORDER_REFUNDED:
                source_key = f"{award.source_key}|refund:{refund_id}"
            else:
                source_key = award.source_key
            reversed_so_far = -(
                LedgerEntry.objects.filter(member_id=award.member_id, kind=EntryKind.REVERSE)
                .filter(
                    Q(source_key=award.source_key)
                    | Q(source_key__startswith=f"{award.source_key}|")
                )
                .aggregate(total=Sum("points"))["total"]
                or 0
            )
            remaining = award.points - reversed_so_far
            points = remaining
            if share is not None:
                points = min(
                    remaining,
                    int((award.points * share).to_integral_value(rounding=ROUND_DOWN)),
                )
            if points <= 0:
                continue
            entry = _append(
                account,
                kind=EntryKind.REVERSE,
                points=-points,
                source_key=source_key,
                occurred_at=award.occurred_at,
                status=award.status,
                available_at=award.available_at,
                rule=award.rule,
                origin_key=origin_key,
                activity_id=activity.pk,
                space_id=award.space_id,
                reason=reason or _("reversed"),
            )
            written += entry is not None
    return written


def adjust_points(*, member, points: int, reason: str, by) -> LedgerEntry:
    """Staff correct a balance by hand, with a reason; the entry names who did it."""
    if not (by.is_staff or by.is_superuser or getattr(by, "is_community_admin", False)):
        raise InvalidInput(_("Only staff can adjust points."), field="points")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Say why the points are adjusted."), field="reason")
    if not isinstance(points, int) or points == 0:
        raise InvalidInput(_("Adjust by a whole number of points, not zero."), field="points")
    with transaction.atomic():
        account = _locked_account(member.pk)
        entry = _append(
            account,
            kind=EntryKind.ADJUST,
            points=points,
            source_key=f"adjust:{uuid.uuid4()}",
            occurred_at=timezone.now(),
            reason=reason,
            created_by=by,
        )
    logger.info("points adjusted: member=%s points=%+d by=%s", member.pk, points, by.pk)
    return entry


def approve_matured_points(*, now=None) -> int:
    """Order points whose refund window has passed become spendable. Returns entries approved."""
    now = now or timezone.now()
    member_ids = list(
        LedgerEntry.objects.filter(status=EntryStatus.PENDING, available_at__lte=now)
        .values_list("member_id", flat=True)
        .distinct()
    )
    approved = 0
    for member_id in member_ids:
        with transaction.atomic():
            account = _locked_account(member_id)
            entries = list(
                LedgerEntry.objects.filter(
                    member_id=member_id, status=EntryStatus.PENDING, available_at__lte=now
                ).order_by("occurred_at", "pk")
            )
            if not entries:
                continue
            # The one transition a ledger entry allows: pending → approved (amounts unchanged).
            models.QuerySet.update(
                LedgerQuerySet(model=LedgerEntry).filter(
                    pk__in=[entry.pk for entry in entries], status=EntryStatus.PENDING
                ),
                status=EntryStatus.APPROVED,
            )
            total = sum(entry.points for entry in entries)
            earned = sum(entry.points for entry in entries if entry.kind in EARNING_KINDS)
            account.pending -= total
            account.balance += total
            account.lifetime_earned += earned
            account.save(update_fields=["pending", "balance", "lifetime_earned", "updated_at"])
            for entry in entries:
                if entry.kind in EARNING_KINDS:
                    _bump_leaderboards(
                        member_id=member_id,
                        space_id=entry.space_id,
                        at=entry.occurred_at,
                        delta=entry.points,
                    )
            _promote_if_qualified(account, at=now)
            approved += len(entries)
    return approved


# ------------------------------------------------------------------------------ expiry


def _send_expiry_mail(account: PointsAccount, *, last_chance: bool, expires_on) -> None:
    member = account.member
    with translation.override(member.language or settings.LANGUAGE_CODE):
        subject = (
            _("Last chance: your %(points)d points expire on %(date)s")
            if last_chance
            else _("Your %(points)d points expire on %(date)s")
        ) % {"points": account.balance, "date": expires_on.isoformat()}
        body = _(
            "Hello %(name)s,\n\nYou have %(points)d points. They expire on %(date)s unless you "
            "earn or spend points before then.\n\nSee your wallet: %(url)s\n"
        ) % {
            "name": member.name,
            "points": account.balance,
            "date": expires_on.isoformat(),
            "url": settings.SITE_URL.rstrip("/") + reverse("rewards:wallet"),
        }
    send_mail(subject, body, None, [member.email], fail_silently=False)


def send_expiry_warnings(*, now=None, warning_days: int = 30, last_chance_days: int = 7) -> int:
    """E-mail members whose points expire within `warning_days`, and again within
    `last_chance_days`. Each warning goes once per spell without earning or spending."""
    now = now or timezone.now()
    days = expiry_days()
    sent = 0
    for last_chance, ahead, stamp in (
        (True, last_chance_days, "expiry_last_chance_sent_at"),
        (False, warning_days, "expiry_warning_sent_at"),
    ):
        cutoff = now - datetime.timedelta(days=days - ahead)
        candidates = PointsAccount.objects.filter(
            balance__gt=0, last_activity_at__lte=cutoff, **{f"{stamp}__isnull": True}
        ).select_related("member")
        if not last_chance:
            # Someone already given the last chance needs no earlier warning.
            candidates = candidates.filter(expiry_last_chance_sent_at__isnull=True)
        for account in candidates.filter(member__is_active=True):
            expires_on = (account.last_activity_at + datetime.timedelta(days=days)).date()
            _send_expiry_mail(account, last_chance=last_chance, expires_on=expires_on)
            PointsAccount.objects.filter(pk=account.pk).update(**{stamp: now})
            sent += 1
    return sent


def expire_points(*, now=None) -> int:
    """Points expire after FLYWHEEL_POINTS_EXPIRY_DAYS without earning or spending."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=expiry_days())
    expired = 0
    for member_id in PointsAccount.objects.filter(
        balance__gt=0, last_activity_at__lte=cutoff
    ).values_list("member_id", flat=True):
        with transaction.atomic():
            account = _locked_account(member_id)
            if account.balance <= 0 or account.last_activity_at > cutoff:
                continue
            entry = _append(
                account,
                kind=EntryKind.EXPIRE,
                points=-account.balance,
                source_key=f"expire:{account.last_activity_at.isoformat()}",
                occurred_at=now,
                reason=_("Points expired after %(days)d days without earning or spending.")
                % {"days": expiry_days()},
            )
            expired += entry is not None
    return expired


# ------------------------------------------------------------------------------ tiers


def _earned_between(member_id: int, start, end) -> int:
    return (
        LedgerEntry.objects.filter(
            member_id=member_id,
            kind__in=EARNING_KINDS,
            status=EntryStatus.APPROVED,
            occurred_at__gt=start,
            occurred_at__lte=end,
        ).aggregate(total=Sum("points"))["total"]
        or 0
    )


ORDER_STOPPED_VERBS = (Verb.ORDER_CANCELLED, Verb.ORDER_VOIDED)


def programme_currency() -> str:
    """The one currency tier spend is counted in: FLYWHEEL_REWARDS_CURRENCY, else the
    currency of the store connected first (EUR with no store)."""
    configured = (settings.FLYWHEEL_REWARDS_CURRENCY or "").strip().upper()
    if configured:
        return configured
    from flywheel.commerce.models import Store

    return (
        Store.objects.order_by("pk").values_list("currency", flat=True).first() or "EUR"
    ).upper()


def exchange_rates() -> dict[str, Decimal]:
    """FLYWHEEL_REWARDS_EXCHANGE_RATES ("USD=0.92,GBP=1.17": units of the programme
    currency per unit of each other currency): the only way an order in another currency
    counts towards tier spend. Fixed rates set by staff, not market rates."""
    raw = settings.FLYWHEEL_REWARDS_EXCHANGE_RATES or ""
    rates: dict[str, Decimal] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        code, _sep, value = item.partition("=")
        try:
            rate = Decimal(value.strip())
        except ArithmeticError:
            rate = Decimal(0)
        if len(code.strip()) != 3 or not rate.is_finite() or rate <= 0:
            raise ImproperlyConfigured(
                f"FLYWHEEL_REWARDS_EXCHANGE_RATES: {item!r} is not CODE=positive rate."
            )
        rates[code.strip().upper()] = rate
    return rates


def _payload_amount(payload, key: str) -> Decimal | None:
    try:
        amount = Decimal(str((payload or {}).get(key)))
    except ArithmeticError:
        return None
    return amount if amount.is_finite() else None


def _spend_between(member_id: int, start, end, *, currency: str | None = None) -> Decimal:
    """Tier spend in the window, in the programme currency: each order that began to count
    in the window (`order_placed`) at its total less its refunds up to `end`; nothing for
    one that stopped counting (cancelled, voided) by then. An order in another currency
    counts only converted at a configured rate, never added as it is."""
    currency = currency or programme_currency()
    rates = {**exchange_rates(), currency: Decimal(1)}
    net: dict[int, Decimal] = {}
    rate_of: dict[int, Decimal] = {}
    for target_id, payload in Activity.objects.filter(
        actor_id=member_id,
        verb=Verb.ORDER_PLACED,
        created_at__gt=start,
        created_at__lte=end,
        target_id__isnull=False,
    ).values_list("target_id", "payload"):
        rate = rates.get(str((payload or {}).get("currency") or "").upper())
        total = _payload_amount(payload, "total")
        if rate is None or total is None:
            continue
        net[target_id] = total
        rate_of[target_id] = rate
    if not net:
        return Decimal(0)
    for verb, target_id, payload in Activity.objects.filter(
        actor_id=member_id,
        verb__in=[Verb.ORDER_REFUNDED, *ORDER_STOPPED_VERBS],
        target_id__in=list(net),
        created_at__lte=end,
    ).values_list("verb", "target_id", "payload"):
        if verb in ORDER_STOPPED_VERBS:
            net[target_id] = Decimal(0)
            rate_of[target_id] = Decimal(0)
        elif (amount := _payload_amount(payload, "amount")) is not None:
            net[target_id] -= amount
    total = sum(
        (max(amount, Decimal(0)) * rate_of[target_id] for target_id, amount in net.items()),
        Decimal(0),
    )
    return total.quantize(Decimal("0.01"))


def qualifying_windows(at) -> list[tuple[datetime.datetime, datetime.datetime]]:
    if tier_period() == "calendar_year":
        year_start = datetime.datetime(at.year, 1, 1, tzinfo=datetime.UTC)
        previous_start = datetime.datetime(at.year - 1, 1, 1, tzinfo=datetime.UTC)
        one_microsecond = datetime.timedelta(microseconds=1)
        return [
            (year_start - one_microsecond, at),
            (previous_start - one_microsecond, year_start - one_microsecond),
        ]
    return [(at - datetime.timedelta(days=365), at)]


def qualification(member_id: int, *, at, need_spend: bool) -> tuple[int, Decimal]:
    """Points earned (never reduced by spending) and spend in the best qualifying window."""
    standing = Qualification.read(member_id, at=at, need_spend=need_spend)
    return standing.points, standing.spend


@dataclass(frozen=True)
class Qualification:
    """Points earned and spend per qualifying window (the one containing `at` first), and
    the tier the best window reaches."""

    points_by_window: tuple[int, ...]
    spend_by_window: tuple[Decimal, ...]

    @classmethod
    def read(cls, member_id: int, *, at, need_spend: bool) -> Qualification:
        windows = qualifying_windows(at)
        currency = programme_currency() if need_spend else ""
        return cls(
            tuple(_earned_between(member_id, start, end) for start, end in windows),
            tuple(
                _spend_between(member_id, start, end, currency=currency)
                if need_spend
                else Decimal(0)
                for start, end in windows
            ),
        )

    @classmethod
    def for_tiers(cls, member_id: int, *, at, tiers: list[Tier]) -> Qualification:
        if not tiers:
            return cls((0,), (Decimal(0),))
        need_spend = any(tier.min_spend is not None for tier in tiers)
        return cls.read(member_id, at=at, need_spend=need_spend)

    @property
    def points(self) -> int:
        return max(self.points_by_window)

    @property
    def spend(self) -> Decimal:
        return max(self.spend_by_window)

    def plus(self, points: int) -> Qualification:
        """After earning `points` now (they count in the current window only)."""
        current, *earlier = self.points_by_window
        return Qualification((current + points, *earlier), self.spend_by_window)

    def tier(self, tiers: list[Tier]) -> Tier | None:
        for tier in sorted(tiers, key=lambda tier: -tier.rank):
            if (tier.min_points is not None and self.points >= tier.min_points) or (
                tier.min_spend is not None and self.spend >= tier.min_spend
            ):
                return tier
        return None


def qualified_tier(member_id: int, *, at, tiers: list[Tier] | None = None) -> Tier | None:
    tiers = list(Tier.objects.order_by("-rank")) if tiers is None else tiers
    return Qualification.for_tiers(member_id, at=at, tiers=tiers).tier(tiers)


def _promote_if_qualified(account: PointsAccount, *, at) -> Tier | None:
    """Promotion happens as soon as a member qualifies; demotion only in evaluate_tiers."""
    tier = qualified_tier(account.member_id, at=at)
    current_rank = account.tier.rank if account.tier_id else 0
    if tier is None or tier.rank <= current_rank:
        return None
    _set_tier(account, tier=tier, at=at)
    return tier


def _set_tier(account: PointsAccount, *, tier: Tier | None, at) -> None:
    account.tier = tier
    account.tier_since = at if tier is not None else None
    account.save(update_fields=["tier", "tier_since", "updated_at"])
    if _change_standing_discount(account.member_id, tier=tier):
        member_id = account.member_id
        transaction.on_commit(lambda: _sync_standing_discount_later(member_id), robust=True)
    if tier is None:
        return
    has_reward = bool(tier.entry_reward_kind and tier.entry_reward_value)
    promotion, created = TierPromotion.objects.get_or_create(
        member_id=account.member_id,
        tier=tier,
        defaults={
            "promoted_at": at,
            "reward_status": (
                TierPromotion.RewardStatus.PENDING
                if has_reward
                else TierPromotion.RewardStatus.NONE
            ),
        },
    )
    if created and has_reward:
        promotion_id = promotion.pk
        transaction.on_commit(lambda: _issue_entry_reward_later(promotion_id), robust=True)


def _issue_entry_reward_later(promotion_id: int) -> None:
    from flywheel.rewards.tasks import issue_entry_reward

    issue_entry_reward.delay(promotion_id)


def issue_entry_reward(promotion_id: int) -> TierPromotion:
    """Create the single-use entry code in the store; on failure it stays pending, with the
    error, and the hourly task tries again."""
    from flywheel.rewards import store_codes

    promotion = TierPromotion.objects.select_related("tier", "member").get(pk=promotion_id)
    if promotion.reward_status != TierPromotion.RewardStatus.PENDING:
        return promotion
    tier = promotion.tier
    try:
        code = store_codes.create_discount_code(
            kind=tier.entry_reward_kind,
            value=tier.entry_reward_value,
            currency=tier.entry_reward_currency,
        )
    except store_codes.StoreCodeError as error:
        TierPromotion.objects.filter(pk=promotion.pk).update(
            reward_error=str(error)[:500], reward_attempts=F("reward_attempts") + 1
        )
        promotion.refresh_from_db()
        return promotion
    TierPromotion.objects.filter(
        pk=promotion.pk, reward_status=TierPromotion.RewardStatus.PENDING
    ).update(
        reward_status=TierPromotion.RewardStatus.ISSUED,
        reward_code=code.code,
        reward_url=code.url,
        reward_error="",
        reward_attempts=F("reward_attempts") + 1,
    )
    promotion.refresh_from_db()
    return promotion


# ------------------------------------------------------------- standing member discount

STANDING_CURRENT = (StandingDiscount.Status.PENDING, StandingDiscount.Status.ACTIVE)
MAX_STANDING_DISCOUNT_ATTEMPTS = 10


def _change_standing_discount(member_id: int, *, tier: Tier | None) -> bool:
    """Inside a tier change's transaction: make the member's current standing discount
    match `tier`. The same percentage keeps the code (only its tier is updated); another
    percentage (or none) retires it, and a tier with a discount starts a new, pending one.
    True when the store has work to do (see sync_standing_discount, run after commit)."""
    percent = tier.member_discount_percent if tier is not None else Decimal(0)
    current = (
        StandingDiscount.objects.select_for_update()
        .filter(member_id=member_id, status__in=STANDING_CURRENT)
        .first()
    )
    if current is not None and current.percent == percent:
        if current.tier_id != tier.pk:
            StandingDiscount.objects.filter(pk=current.pk).update(tier=tier)
        return False
    now = timezone.now()
    if current is not None:
        # A code never created needs nothing from the store; one that exists stays on the
        # to-do list (disabled_at empty) until the store has deleted it.
        StandingDiscount.objects.filter(pk=current.pk).update(
            status=StandingDiscount.Status.DISABLED,
            disabled_at=None if current.platform_id else now,
            error="",
            attempts=0,
        )
    if percent > 0:
        StandingDiscount.objects.create(
            member_id=member_id,
            tier=tier,
            percent=percent,
            status=StandingDiscount.Status.PENDING,
            created_at=now,
        )
    return current is not None or percent > 0


def _sync_standing_discount_later(member_id: int) -> None:
    from flywheel.rewards.tasks import sync_standing_discount

    sync_standing_discount.delay(member_id)


def _disable_standing_code(discount_id: int) -> None:
    from flywheel.rewards import store_codes

    with transaction.atomic():
        # The row lock makes a second worker wait, then find it done.
        discount = (
            StandingDiscount.objects.select_for_update()
            .filter(
                pk=discount_id, status=StandingDiscount.Status.DISABLED, disabled_at__isnull=True
            )
            .first()
        )
        if discount is None:
            return
        try:
            store_codes.disable_code(platform_id=discount.platform_id, store_id=discount.store_id)
        except store_codes.StoreCodeError as error:
            StandingDiscount.objects.filter(pk=discount.pk).update(
                error=str(error)[:500], attempts=F("attempts") + 1
            )
            return
        StandingDiscount.objects.filter(pk=discount.pk).update(
            disabled_at=timezone.now(), error="", attempts=F("attempts") + 1
        )


def _issue_standing_code(discount_id: int) -> None:
    from flywheel.rewards import store_codes

    with transaction.atomic():
        discount = (
            StandingDiscount.objects.select_for_update()
            .filter(pk=discount_id, status=StandingDiscount.Status.PENDING)
            .first()
        )
        if discount is None:
            return
        try:
            code = store_codes.create_standing_code(percent=discount.percent)
        except store_codes.NoStoreConnected as error:
            # Not a failed attempt: it is issued as soon as a shop is connected.
            StandingDiscount.objects.filter(pk=discount.pk).update(error=str(error)[:500])
            return
        except store_codes.StoreCodeError as error:
            StandingDiscount.objects.filter(pk=discount.pk).update(
                error=str(error)[:500], attempts=F("attempts") + 1
            )
            return
        StandingDiscount.objects.filter(pk=discount.pk).update(
            status=StandingDiscount.Status.ACTIVE,
            code=code.code,
            url=code.url,
            platform_id=code.platform_id,
            store_id=code.store_id,
            error="",
            attempts=F("attempts") + 1,
        )


def sync_standing_discount(member_id: int) -> StandingDiscount | None:
    """Bring the shop in line with the member's standing discount: delete their retired
    codes there, then create the current one if it is still pending. Failures stay on the
    rows (error, attempts) for the hourly retry. Safe to run again, and concurrently: each
    row is locked while the store is asked, and only acted on in the state that needs it.
    Returns the current standing discount, if any."""
    retired = StandingDiscount.objects.filter(
        member_id=member_id,
        status=StandingDiscount.Status.DISABLED,
        disabled_at__isnull=True,
        attempts__lt=MAX_STANDING_DISCOUNT_ATTEMPTS,
    ).values_list("pk", flat=True)
    for discount_id in list(retired):
        _disable_standing_code(discount_id)
    pending = StandingDiscount.objects.filter(
        member_id=member_id,
        status=StandingDiscount.Status.PENDING,
        attempts__lt=MAX_STANDING_DISCOUNT_ATTEMPTS,
    ).values_list("pk", flat=True)
    for discount_id in list(pending):
        _issue_standing_code(discount_id)
    return current_standing_discount(member_id)


def current_standing_discount(member_id: int) -> StandingDiscount | None:
    return StandingDiscount.objects.filter(member_id=member_id, status__in=STANDING_CURRENT).first()


def reconcile_standing_discount(member_id: int) -> StandingDiscount | None:
    """Match the standing discount to the member's tier now (a tier whose percentage staff
    changed, members who held a tier before standing discounts existed, a deactivated
    account, which keeps none), then sync the shop."""
    with transaction.atomic():
        account = (
            PointsAccount.objects.select_for_update(of=("self",))
            .select_related("tier", "member")
            .filter(member_id=member_id)
            .first()
        )
        tier = account.tier if account is not None and account.member.is_active else None
        _change_standing_discount(member_id, tier=tier)
    return sync_standing_discount(member_id)


def standing_discounts_to_sync() -> list[int]:
    """Members whose standing discount needs the store (a pending code, a retired code not
    yet deleted) or no longer matches their tier."""
    to_do = StandingDiscount.objects.filter(
        Q(status=StandingDiscount.Status.PENDING)
        | Q(status=StandingDiscount.Status.DISABLED, disabled_at__isnull=True),
        attempts__lt=MAX_STANDING_DISCOUNT_ATTEMPTS,
    ).values_list("member_id", flat=True)
    current = StandingDiscount.objects.filter(status__in=STANDING_CURRENT)
    lacking = (
        PointsAccount.objects.filter(tier__member_discount_percent__gt=0, member__is_active=True)
        .exclude(
            models.Exists(
                current.filter(
                    member_id=models.OuterRef("member_id"),
                    percent=models.OuterRef("tier__member_discount_percent"),
                )
            )
        )
        .values_list("member_id", flat=True)
    )
    stale = current.exclude(
        models.Exists(
            PointsAccount.objects.filter(
                member_id=models.OuterRef("member_id"),
                member__is_active=True,
                tier__member_discount_percent=models.OuterRef("percent"),
            )
        )
    ).values_list("member_id", flat=True)
    return sorted({*to_do, *lacking, *stale})


def evaluate_tiers(*, now=None) -> tuple[int, int]:
    """Daily: move every tiered member to the tier their qualifying period earns (points
    age out of a rolling window). Spending never demotes: only earned points count."""
    now = now or timezone.now()
    tiers = list(Tier.objects.order_by("-rank"))
    promoted = demoted = 0
    for member_id in PointsAccount.objects.filter(
        Q(tier__isnull=False) | Q(lifetime_earned__gt=0)
    ).values_list("member_id", flat=True):
        with transaction.atomic():
            account = _locked_account(member_id)
            tier = qualified_tier(member_id, at=now, tiers=tiers)
            current_rank = account.tier.rank if account.tier_id else 0
            new_rank = tier.rank if tier else 0
            if new_rank > current_rank:
                _set_tier(account, tier=tier, at=now)
                promoted += 1
            elif new_rank < current_rank:
                _set_tier(account, tier=tier, at=now)
                demoted += 1
    return promoted, demoted


# ------------------------------------------------------------------------------ perks


def _check_can_redeem(member, perk: Perk, account: PointsAccount) -> None:
    if not perk.active:
        raise PerkUnavailable(_("This perk is not available any more."), field="perk")
    if perk.min_tier_id is not None:
        rank = account.tier.rank if account.tier_id else 0
        if rank < perk.min_tier.rank:
            raise PerkUnavailable(
                _("This perk is for %(tier)s members and above.") % {"tier": perk.min_tier.name},
                field="perk",
            )
    if perk.stock is not None and perk.stock <= 0:
        raise PerkUnavailable(_("This perk is sold out."), field="perk")
    used = (
        Redemption.objects.filter(member=member, perk=perk)
        .exclude(status=Redemption.Status.FAILED)
        .count()
    )
    if used >= perk.per_member_limit:
        raise PerkUnavailable(_("You have already redeemed this perk."), field="perk")
    if account.balance < perk.cost_points:
        raise InsufficientPoints(
            _("You need %(cost)d points for this perk and have %(balance)d.")
            % {"cost": perk.cost_points, "balance": max(account.balance, 0)},
            field="points",
        )


def redeem_perk(*, member, perk: Perk) -> Redemption:
    """Spend points on a perk. The balance never goes below zero (InsufficientPoints). A
    store code is created after the points are taken; if the store fails, the points come
    back (an adjust entry) and the redemption is marked failed."""
    now = timezone.now()
    with transaction.atomic():
        perk = (
            Perk.objects.select_for_update(of=("self",)).select_related("min_tier").get(pk=perk.pk)
        )
        account = _locked_account(member.pk)
        _check_can_redeem(member, perk, account)
        needs_store = perk.kind == PerkKind.DISCOUNT_CODE
        redemption = Redemption.objects.create(
            member=member,
            perk=perk,
            points=perk.cost_points,
            status=Redemption.Status.PENDING if needs_store else Redemption.Status.FULFILLED,
            code_url=perk.secret_url if perk.kind == PerkKind.EARLY_ACCESS else "",
            created_at=now,
            fulfilled_at=None if needs_store else now,
        )
        _append(
            account,
            kind=EntryKind.REDEEM,
            points=-perk.cost_points,
            source_key=f"redemption:{redemption.pk}",
            occurred_at=now,
            reason=perk.name,
        )
        if perk.stock is not None:
            Perk.objects.filter(pk=perk.pk).update(stock=F("stock") - 1)
    if needs_store:
        redemption = _fulfil_with_store_code(redemption, perk=perk)
    return redemption


def _fulfil_with_store_code(redemption: Redemption, *, perk: Perk) -> Redemption:
    from flywheel.rewards import store_codes

    try:
        code = store_codes.create_discount_code(
            kind=perk.discount_kind, value=perk.discount_value, currency=perk.discount_currency
        )
    except store_codes.StoreCodeError as error:
        with transaction.atomic():
            account = _locked_account(redemption.member_id)
            _append(
                account,
                kind=EntryKind.ADJUST,
                points=redemption.points,
                source_key=f"redemption:{redemption.pk}",
                occurred_at=timezone.now(),
                reason=_("Points returned: the store could not create the code."),
            )
            if perk.stock is not None:
                Perk.objects.filter(pk=perk.pk).update(stock=F("stock") + 1)
            Redemption.objects.filter(pk=redemption.pk).update(
                status=Redemption.Status.FAILED, error=str(error)[:500]
            )
        redemption.refresh_from_db()
        return redemption
    Redemption.objects.filter(pk=redemption.pk).update(
        status=Redemption.Status.FULFILLED,
        code=code.code,
        code_url=code.url,
        fulfilled_at=timezone.now(),
    )
    redemption.refresh_from_db()
    return redemption


# ------------------------------------------------------------------------------ recognition


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def nominate(*, nominator, nominee_handle: str, reason: str, at=None) -> Nomination:
    """A member nominates someone for member of the month, once per month, with a reason."""
    at = at or timezone.now()
    handle = (nominee_handle or "").strip().lstrip("@")
    nominee = (
        get_user_model().objects.filter(handle__iexact=handle, is_active=True).first()
        if handle
        else None
    )
    if nominee is None:
        raise InvalidInput(_("There is no member with that handle."), field="nominee")
    if nominee.pk == nominator.pk:
        raise InvalidInput(_("Nominate someone other than yourself."), field="nominee")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InvalidInput(_("Tell us why, in at least 10 characters."), field="reason")
    if len(reason) > 1000:
        raise InvalidInput(_("Keep the reason under 1000 characters."), field="reason")
    month = month_start(at.astimezone(datetime.UTC).date())
    try:
        with transaction.atomic():
            return Nomination.objects.create(
                nominator=nominator, nominee=nominee, month=month, reason=reason, created_at=at
            )
    except IntegrityError:
        raise Conflict(
            _("You have already nominated someone this month."), field="nominee"
        ) from None


def pick_member_of_the_month(*, member, citation: str, by, month=None) -> MemberOfTheMonth:
    """Staff choose the member of the month (usually from the nominations)."""
    if not (by.is_staff or by.is_superuser or getattr(by, "is_brand_team", False)):
        raise InvalidInput(_("Only the brand team picks the member of the month."), field="member")
    citation = (citation or "").strip()
    if not citation:
        raise InvalidInput(_("Write a short citation."), field="citation")
    month = month_start(month or timezone.now().astimezone(datetime.UTC).date())
    featured, _created = MemberOfTheMonth.objects.update_or_create(
        month=month,
        defaults={
            "member": member,
            "citation": citation[:1000],
            "picked_by": by,
            "created_at": timezone.now(),
        },
    )
    return featured
