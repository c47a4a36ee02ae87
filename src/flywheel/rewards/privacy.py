"""Rewards data in a member's data export, and its erasure (flywheel.core.hooks privacy_exporters and privacy_erasers).

Registered in RewardsConfig.ready() as "rewards".

What erasure keeps, and why: the ledger is immutable by design (the database refuses updates
and deletes), so the member's entries, their points account and leaderboard scores stay on
the erased member's tombstone account (handle ``deleted-<id>``, no e-mail, name or password):
aggregates without identity. The rewards reads already leave inactive accounts out
(leaderboards, member of the month, expiry e-mails, new awards, standing discounts).

What goes: nominations *of* the member (other members' words about a person who has left),
the staff citation on a month they were featured, a pending tier entry reward (never issued
to a tombstone), and their standing discount code, which is retired now and deleted in the
shop after commit. With content "delete" the reasons they wrote in their own nominations are
blanked too; "anonymise" keeps them, like their posts.
"""

from django.db import transaction

from flywheel.rewards import services
from flywheel.rewards.models import (
    LedgerEntry,
    MemberOfTheMonth,
    Nomination,
    PointsAccount,
    Redemption,
    StandingDiscount,
    TierPromotion,
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_rewards(member) -> dict:
    """Balance, every ledger entry, redemptions with their codes, tier promotions (entry
    reward codes), standing discount codes and nominations."""
    account = PointsAccount.objects.select_related("tier").filter(member=member).first()
    entries = LedgerEntry.objects.filter(member=member).select_related("rule")
    redemptions = Redemption.objects.filter(member=member).select_related("perk")
    promotions = TierPromotion.objects.filter(member=member).select_related("tier")
    discounts = StandingDiscount.objects.filter(member=member).select_related("tier")
    made = Nomination.objects.filter(nominator=member).select_related("nominee")
    received = Nomination.objects.filter(nominee=member)
    featured = MemberOfTheMonth.objects.filter(member=member)
    return {
        "account": {
            "balance": account.balance if account else 0,
            "pending": account.pending if account else 0,
            "lifetime_earned": account.lifetime_earned if account else 0,
            "tier": account.tier.name if account and account.tier_id else None,
            "tier_since": _iso(account.tier_since) if account else None,
        },
        "ledger": [
            {
                "kind": entry.kind,
                "points": entry.points,
                "status": entry.status,
                "rule": entry.rule.name if entry.rule_id else None,
                "reason": entry.reason,
                "occurred_at": _iso(entry.occurred_at),
                "available_at": _iso(entry.available_at),
            }
            for entry in entries.order_by("created_at", "pk")
        ],
        "redemptions": [
            {
                "perk": redemption.perk.name,
                "points": redemption.points,
                "status": redemption.status,
                "code": redemption.code,
                "code_url": redemption.code_url,
                "created_at": _iso(redemption.created_at),
                "fulfilled_at": _iso(redemption.fulfilled_at),
            }
            for redemption in redemptions.order_by("created_at", "pk")
        ],
        "tier_promotions": [
            {
                "tier": promotion.tier.name,
                "promoted_at": _iso(promotion.promoted_at),
                "entry_reward_status": promotion.reward_status,
                "entry_reward_code": promotion.reward_code,
            }
            for promotion in promotions.order_by("promoted_at", "pk")
        ],
        "standing_discounts": [
            {
                "tier": discount.tier.name if discount.tier_id else None,
                "percent": str(discount.percent),
                "status": discount.status,
                "code": discount.code,
                "created_at": _iso(discount.created_at),
            }
            for discount in discounts.order_by("created_at", "pk")
        ],
        # Who nominated the member is the nominator's data: only the month and the words.
        "nominations_made": [
            {
                "nominee": nomination.nominee.handle,
                "month": _iso(nomination.month),
                "reason": nomination.reason,
            }
            for nomination in made.order_by("month", "pk")
        ],
        "nominations_received": [
            {"month": _iso(nomination.month), "reason": nomination.reason}
            for nomination in received.order_by("month", "pk")
        ],
        "member_of_the_month": [
            {"month": _iso(row.month), "citation": row.citation}
            for row in featured.order_by("month")
        ],
    }


def erase_rewards(member, *, content: str) -> None:
    """Keep the ledger's aggregates on the tombstone; remove what identifies or is about the
    member (see the module docstring)."""
    Nomination.objects.filter(nominee=member).delete()
    if content == "delete":
        Nomination.objects.filter(nominator=member).update(reason="")
    MemberOfTheMonth.objects.filter(member=member).update(citation="")
    TierPromotion.objects.filter(
        member=member, reward_status=TierPromotion.RewardStatus.PENDING
    ).update(reward_status=TierPromotion.RewardStatus.NONE, reward_error="")
    # Retire the standing discount as a demotion to no tier would; the shop is told after
    # commit (and by the hourly retry if it is down).
    if services._change_standing_discount(member.pk, tier=None):
        member_id = member.pk
        transaction.on_commit(
            lambda: services._sync_standing_discount_later(member_id), robust=True
        )
