"""The rules engine: which points an Activity earns, and for whom.

`apply_rules_for_activity` is the Activity-log consumer. It is idempotent (every award is
keyed by "activity:<id>:rule:<id>", unique in the ledger), reads only the activity and the
ledger up to that moment, and uses the activity's own time for caps, validity and tiers —
so replaying the whole log in order (`recompute`) builds exactly the ledger that applying it
as it happened did.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from flywheel.core.models import Activity, Verb
from flywheel.rewards.models import Beneficiary, EntryKind, LedgerEntry, Rule

# Verbs whose activity takes back points earned earlier, and how to find what it reverses.
REVERSING_VERBS: dict[str, Callable[[Activity], str | None]] = {
    Verb.POST_DELETED: lambda activity: f"post:{activity.target_id}",
    Verb.ORDER_REFUNDED: lambda activity: _order_origin(activity),
    # An order that stopped counting as a purchase (docs/stores.md): all it earned goes.
    Verb.ORDER_CANCELLED: lambda activity: _order_origin(activity),
    Verb.ORDER_VOIDED: lambda activity: _order_origin(activity),
    Verb.REFERRAL_REJECTED: lambda activity: f"referral:{activity.target_id}",
}

# The same, from the other side: what kind of origin is undone by which verbs (its target).
UNDOING_VERBS_BY_ORIGIN = {
    "post": (Verb.POST_DELETED,),
    "order": (Verb.ORDER_REFUNDED, Verb.ORDER_CANCELLED, Verb.ORDER_VOIDED),
    "referral": (Verb.REFERRAL_REJECTED,),
}

CONDITION_KEYS = {"payload_equals", "payload_truthy", "currency", "min_amount"}


def _order_origin(activity: Activity) -> str | None:
    order_id = (activity.payload or {}).get("order_id") or activity.target_id
    return f"order:{order_id}" if order_id else None


def origin_key_for(activity: Activity) -> str:
    """What an award is about, so a later activity can reverse it (see REVERSING_VERBS)."""
    payload = activity.payload or {}
    if activity.verb in (Verb.REPLY_CREATED, Verb.ANSWER_ACCEPTED) and activity.target_id:
        return f"post:{activity.target_id}"
    if activity.verb == Verb.TOPIC_CREATED and payload.get("post_id"):
        return f"post:{payload['post_id']}"
    if activity.verb.startswith("order_"):
        return _order_origin(activity) or f"activity:{activity.pk}"
    if activity.verb.startswith("referral_") and activity.target_id:
        return f"referral:{activity.target_id}"
    return f"activity:{activity.pk}"


# ------------------------------------------------------------------------------ validation


def validate_conditions(conditions) -> None:
    """The conditions JSON schema, checked by hand (see docs/rewards.md)."""
    if not isinstance(conditions, dict):
        raise ValidationError({"conditions": _("Conditions must be a JSON object.")})
    unknown = set(conditions) - CONDITION_KEYS
    if unknown:
        raise ValidationError(
            {
                "conditions": _("Unknown condition %(names)s; use %(known)s.")
                % {"names": ", ".join(sorted(unknown)), "known": ", ".join(sorted(CONDITION_KEYS))}
            }
        )
    equals = conditions.get("payload_equals", {})
    if not isinstance(equals, dict) or not all(
        isinstance(key, str) and isinstance(value, (str, int, bool))
        for key, value in equals.items()
    ):
        raise ValidationError(
            {
                "conditions": _(
                    "payload_equals must map payload keys to strings, numbers or booleans."
                )
            }
        )
    truthy = conditions.get("payload_truthy", [])
    if not isinstance(truthy, list) or not all(isinstance(key, str) for key in truthy):
        raise ValidationError({"conditions": _("payload_truthy must be a list of payload keys.")})
    currency = conditions.get("currency")
    if currency is not None and not (
        isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)
    ):
        raise ValidationError({"conditions": _("currency must be an ISO code such as EUR.")})
    if "min_amount" in conditions:
        amount = _decimal(conditions["min_amount"])
        if amount is None or amount < 0:
            raise ValidationError({"conditions": _("min_amount must be a positive amount.")})


def validate_rule(rule: Rule) -> None:
    if rule.verb not in Verb.values:
        raise ValidationError(
            {"verb": _("Choose a declared activity verb, such as reply_created.")}
        )
    if rule.beneficiary == Beneficiary.PAYLOAD_MEMBER and not rule.beneficiary_key:
        raise ValidationError(
            {"beneficiary_key": _("Name the payload key that holds the member's id.")}
        )
    if not rule.points and not rule.points_per_unit:
        raise ValidationError({"points": _("Give points, or points per currency unit.")})
    if rule.valid_from and rule.valid_until and rule.valid_until <= rule.valid_from:
        raise ValidationError({"valid_until": _("The end must come after the start.")})
    validate_conditions(rule.conditions)


# ------------------------------------------------------------------------------ matching


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _as_member_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class Earning:
    """What one rule gives for one activity, before caps and the tier multiplier."""

    member_id: int
    points: int


def base_earning(rule: Rule, activity: Activity) -> Earning | None:
    """Pure: does this rule reward this activity, whom, and how many points (uncapped)?"""
    if not rule.active or rule.verb != activity.verb:
        return None
    at = activity.created_at
    if rule.valid_from and at < rule.valid_from:
        return None
    if rule.valid_until and at >= rule.valid_until:
        return None
    payload = activity.payload or {}
    if rule.min_length is not None:
        length = payload.get("length")
        if not isinstance(length, int) or length < rule.min_length:
            return None
    conditions = rule.conditions or {}
    for key, expected in (conditions.get("payload_equals") or {}).items():
        if payload.get(key) != expected:
            return None
    for key in conditions.get("payload_truthy") or []:
        if not payload.get(key):
            return None
    if conditions.get("currency") and payload.get("currency") != conditions["currency"]:
        return None
    if rule.beneficiary == Beneficiary.PAYLOAD_MEMBER:
        member_id = _as_member_id(payload.get(rule.beneficiary_key))
        # Nobody earns from their own action on their own things (self-reactions, self-accepts).
        if member_id is None or member_id == activity.actor_id:
            return None
    else:
        member_id = activity.actor_id
        if member_id is None:
            return None
    points = rule.points
    if rule.points_per_unit:
        amount = _decimal(payload.get(rule.amount_key))
        if amount is None or amount <= 0:
            return None
        if "min_amount" in conditions and amount < _decimal(conditions["min_amount"]):
            return None
        points += int((amount * rule.points_per_unit).to_integral_value(rounding=ROUND_DOWN))
    elif "min_amount" in conditions:
        amount = _decimal(payload.get(rule.amount_key))
        if amount is None or amount < _decimal(conditions["min_amount"]):
            return None
    if points <= 0:
        return None
    return Earning(member_id=member_id, points=points)


def day_bounds(at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    start = at.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def capped_points(rule: Rule, *, member_id: int, points: int, at: datetime.datetime) -> int:
    """Points left under the rule's first-time and daily limits (reads the ledger so far)."""
    if rule.first_time_only and (
        LedgerEntry.objects.filter(rule=rule, member_id=member_id, kind=EntryKind.AWARD).exists()
    ):
        return 0
    if rule.daily_cap is None:
        return points
    start, end = day_bounds(at)
    earned_today = (
        LedgerEntry.objects.filter(
            rule=rule,
            member_id=member_id,
            kind=EntryKind.AWARD,
            occurred_at__gte=start,
            occurred_at__lt=end,
        ).aggregate(total=Sum("points"))["total"]
        or 0
    )
    return max(0, min(points, rule.daily_cap - earned_today))


# ------------------------------------------------------------------------------ applying


def rules_for_verb(verb: str) -> list[Rule]:
    return list(Rule.objects.live().filter(verb=verb).order_by("pk"))


def apply_rules_for_activity(activity: Activity, *, rules: Iterable[Rule] | None = None) -> int:
    """The Activity-log consumer: award what the rules say, reverse what the activity takes
    back. Safe to run any number of times. Returns how many ledger entries it wrote."""
    from flywheel.rewards import services

    written = 0
    reversing = REVERSING_VERBS.get(activity.verb)
    if reversing is not None:
        origin = reversing(activity)
        if origin:
            written += services.reverse_origin(
                origin_key=origin, activity=activity, reason=activity.get_verb_display()
            )
    candidates = rules_for_verb(activity.verb) if rules is None else rules
    for rule in candidates:
        if rule.verb != activity.verb:
            continue
        earning = base_earning(rule, activity)
        if earning is None:
            continue
        entry = services.award_for_rule(rule=rule, activity=activity, earning=earning)
        if entry is not None:
            written += 1
    return written


def recompute(
    *,
    since: datetime.datetime | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    chunk_size: int = 2000,
) -> tuple[int, int]:
    """Replay the Activity log in order through the rules. Entries already in the ledger are
    kept (the same source never earns twice), so this only adds what is missing: a rule
    added later is back-applied. Returns (activities read, entries written)."""
    verbs = set(Rule.objects.values_list("verb", flat=True)) | set(REVERSING_VERBS)
    rules_by_verb: dict[str, list[Rule]] = {}
    for rule in Rule.objects.live().order_by("pk"):
        rules_by_verb.setdefault(rule.verb, []).append(rule)
    activities = Activity.objects.filter(verb__in=verbs).order_by("created_at", "id")
    if since is not None:
        activities = activities.filter(created_at__gte=since)
    total = activities.count()
    read = written = 0
    for activity in activities.iterator(chunk_size=chunk_size):
        written += apply_rules_for_activity(activity, rules=rules_by_verb.get(activity.verb, []))
        read += 1
        if progress is not None and (read % chunk_size == 0 or read == total):
            progress(read, total, written)
    if progress is not None and total == 0:
        progress(0, 0, 0)
    return read, written
