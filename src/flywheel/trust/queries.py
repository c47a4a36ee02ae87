"""Reads about trust: a member's level, the figures levels are earned by, progress to the next.

`trust_level_for` is also what core.ratelimit asks for per-level write allowances.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flywheel.core import hooks
from flywheel.core.models import Activity, Verb
from flywheel.trust.models import (
    MemberTrust,
    MemberVisit,
    TopicRead,
    TrustLevel,
    TrustLevelChange,
    TrustLevelRequirement,
)

# Verbs other apps record that count towards trust (a declared verb no app records yet, such
# as review_published before reviews exist, simply counts zero). A purchase counts from
# `order_placed` (the order began to count: paid, not a test order) until an
# `order_cancelled`/`order_voided` of the same order (it stopped counting), as commerce's
# Order.objects.counting() decides (docs/stores.md).
REPLY_VERBS = (Verb.REPLY_CREATED,)
PURCHASE_VERBS = (Verb.ORDER_PLACED,)
PURCHASE_STOPPED_VERBS = (Verb.ORDER_CANCELLED, Verb.ORDER_VOIDED)
REFUND_VERBS = (Verb.ORDER_REFUNDED,)
REVIEW_VERBS = (Verb.REVIEW_PUBLISHED,)


REQUIREMENTS_CACHE_KEY = "trust:requirements:v1"
REQUIREMENTS_CACHE_SECONDS = 300
DEMOTION_GRACE = 0.9  # a regular stays a regular until a figure drops below 90% of its mark

# (field on TrustLevelRequirement, label) for minimums, in the order progress shows them.
MINIMUMS = [
    ("days_since_joined", _("Days since joining")),
    ("days_visited", _("Days visited")),
    ("topics_entered", _("Topics read")),
    ("posts_read", _("Posts read")),
    ("replies", _("Replies written")),
    ("likes_given", _("Reactions given")),
    ("likes_received", _("Reactions received")),
    ("verified_purchases", _("Verified purchases")),
    ("reviews", _("Reviews written")),
]
# (field on TrustLevelRequirement, figure it caps, label).
MAXIMUMS = [
    ("max_refunds", "refunds", _("Refunds")),
    ("max_upheld_flags", "upheld_flags", _("Upheld flags on your posts")),
    ("max_sanctions", "sanctions", _("Suspensions and silences")),
]


def _is_staff(member) -> bool:
    return bool(getattr(member, "is_brand_team", False) or getattr(member, "is_superuser", False))


def displayed_level(member) -> int:
    """The level shown next to a member: the brand team shows as leaders (their privileges)."""
    return TrustLevel.LEADER if _is_staff(member) else trust_level_for(member)


def trust_level_for(member) -> int:
    """The member's level 0–4 (a staff lock wins). Remembered on the instance for the request."""
    if member is None or not getattr(member, "is_authenticated", False):
        return TrustLevel.NEW
    level = getattr(member, "_flywheel_trust_level", None)
    if level is None:
        row = (
            MemberTrust.objects.filter(member_id=member.pk)
            .values_list("level", "locked_level")
            .first()
        )
        level = TrustLevel.NEW if row is None else (row[1] if row[1] is not None else row[0])
        member._flywheel_trust_level = level
    return level


def member_trust(member) -> MemberTrust | None:
    return MemberTrust.objects.filter(member=member).first()


def requirements() -> dict[int, TrustLevelRequirement]:
    """Level → its requirement row, cached for a few minutes (staff edits clear it)."""
    rows = cache.get(REQUIREMENTS_CACHE_KEY)
    if rows is None:
        rows = {row.level: row for row in TrustLevelRequirement.objects.all()}
        cache.set(REQUIREMENTS_CACHE_KEY, rows, REQUIREMENTS_CACHE_SECONDS)
    return rows


def forget_requirements() -> None:
    cache.delete(REQUIREMENTS_CACHE_KEY)


def privileges_for(member) -> TrustLevelRequirement | None:
    """The row of what the member's level unlocks; the brand team gets the top level's."""
    level = TrustLevel.LEADER if _is_staff(member) else trust_level_for(member)
    return requirements().get(level)


def member_figures(member, *, since: datetime | None = None) -> dict[str, int]:
    """Everything levels are earned by, counted since `since` (None: since joining)."""
    from flywheel.community.models import Reaction

    visits: QuerySet = MemberVisit.objects.filter(member=member)
    reads: QuerySet = TopicRead.objects.filter(member=member)
    stopped = Activity.objects.filter(
        verb__in=PURCHASE_STOPPED_VERBS,
        target_type=OuterRef("target_type"),
        target_id=OuterRef("target_id"),
    )
    activities: QuerySet = Activity.objects.filter(
        actor=member, verb__in=[*REPLY_VERBS, *PURCHASE_VERBS, *REFUND_VERBS, *REVIEW_VERBS]
    ).exclude(Q(verb__in=PURCHASE_VERBS) & Exists(stopped))
    given: QuerySet = Reaction.objects.filter(member=member)
    received: QuerySet = Reaction.objects.filter(post__author=member).exclude(member=member)
    if since is not None:
        visits = visits.filter(date__gte=since.date())
        reads = reads.filter(last_read_at__gte=since)
        activities = activities.filter(created_at__gte=since)
        given = given.filter(created_at__gte=since)
        received = received.filter(created_at__gte=since)
    read_totals = reads.aggregate(topics=Count("id"), posts=Sum("last_post_number"))
    by_verb = dict(activities.order_by().values_list("verb").annotate(count=Count("id")))

    def verbs(names) -> int:
        return sum(by_verb.get(name, 0) for name in names)

    joined = member.date_joined or timezone.now()
    return {
        "days_since_joined": max(0, (timezone.now() - joined).days),
        "days_visited": visits.count(),
        "topics_entered": read_totals["topics"] or 0,
        "posts_read": read_totals["posts"] or 0,
        "replies": verbs(REPLY_VERBS),
        "likes_given": given.count(),
        "likes_received": received.count(),
        "verified_purchases": verbs(PURCHASE_VERBS),
        "reviews": verbs(REVIEW_VERBS),
        "refunds": verbs(REFUND_VERBS),
        # Moderation registers these counters (hooks.upheld_flag_counters, sanction_counters).
        "upheld_flags": sum(counter(member, since) for counter in hooks.upheld_flag_counters),
        "sanctions": sum(counter(member, since) for counter in hooks.sanction_counters),
    }


def window_start(requirement: TrustLevelRequirement) -> datetime | None:
    if not requirement.window_days:
        return None
    return timezone.now() - timedelta(days=requirement.window_days)


@dataclass(frozen=True)
class RequirementCheck:
    key: str
    label: str
    current: int
    required: int
    at_most: bool
    met: bool


def check_requirement(
    requirement: TrustLevelRequirement, figures: dict[str, int], *, grace: float = 1.0
) -> list[RequirementCheck]:
    """Each figure against its mark. With grace < 1 a minimum is met at that share of the mark
    (used to decide whether a regular keeps level 3); maximums never get grace."""
    checks = []
    for field, label in MINIMUMS:
        required = getattr(requirement, field)
        if not required:
            continue
        current = figures[field]
        met = current >= required * grace
        checks.append(RequirementCheck(field, str(label), current, required, False, met))
    for field, figure, label in MAXIMUMS:
        limit = getattr(requirement, field)
        if limit is None:
            continue
        current = figures[figure]
        checks.append(RequirementCheck(figure, str(label), current, limit, True, current <= limit))
    return checks


def meets(requirement: TrustLevelRequirement, member, *, grace: float = 1.0) -> bool:
    figures = member_figures(member, since=window_start(requirement))
    return all(check.met for check in check_requirement(requirement, figures, grace=grace))


@dataclass(frozen=True)
class TrustProgress:
    level: int
    level_label: str
    locked: bool
    target_level: int | None  # the level the checks are about (None: nothing to show)
    keeping: bool  # True: the checks say whether a regular keeps level 3
    checks: list[RequirementCheck]
    window_days: int

    @property
    def all_met(self) -> bool:
        return all(check.met for check in self.checks)


def progress_for(member) -> TrustProgress:
    """Where the member stands: their level and, for the next level, each figure and its mark."""
    if _is_staff(member):  # the brand team has the top level's privileges, nothing to earn
        return TrustProgress(
            level=TrustLevel.LEADER,
            level_label=str(TrustLevel.LEADER.label),
            locked=False,
            target_level=None,
            keeping=False,
            checks=[],
            window_days=0,
        )
    trust = member_trust(member)
    level = trust.effective_level if trust else TrustLevel.NEW
    locked = bool(trust and trust.locked_level is not None)
    rows = requirements()
    target = None
    keeping = False
    if not locked and level == TrustLevel.REGULAR:
        target, keeping = TrustLevel.REGULAR, True
    elif not locked and level < TrustLevel.REGULAR:
        target = level + 1
    requirement = rows.get(target) if target is not None else None
    checks: list[RequirementCheck] = []
    if requirement is not None:
        figures = member_figures(member, since=window_start(requirement))
        checks = check_requirement(requirement, figures, grace=DEMOTION_GRACE if keeping else 1.0)
    return TrustProgress(
        level=level,
        level_label=str(TrustLevel(level).label),
        locked=locked,
        target_level=target if requirement is not None else None,
        keeping=keeping,
        checks=checks,
        window_days=requirement.window_days if requirement is not None else 0,
    )


def members_to_evaluate(*, everyone: bool = False, since_days: int = 2) -> QuerySet:
    """Members whose level may change: those seen lately, and every regular (who may lapse)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    members = get_user_model().objects.filter(is_active=True)
    if everyone:
        return members.order_by("pk")
    recent = timezone.now().date() - timedelta(days=since_days)
    return (
        members.filter(
            Q(visits__date__gte=recent)
            | Q(trust__level=TrustLevel.REGULAR, trust__locked_level__isnull=True)
        )
        .distinct()
        .order_by("pk")
    )


def level_history(member) -> QuerySet[TrustLevelChange]:
    return TrustLevelChange.objects.filter(member=member).select_related("changed_by")
