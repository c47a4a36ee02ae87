"""The programme shipped with Flywheel (`flywheel rewards install-defaults`); docs/rewards.md
explains each choice. Installing twice changes nothing; staff edits are never overwritten."""

from decimal import Decimal

from django.db import transaction

from flywheel.core.models import Verb
from flywheel.rewards.models import Beneficiary, Perk, PerkKind, Rule, Tier

DEFAULT_RULES = [
    {
        "name": "Helpful reply",
        "verb": Verb.REPLY_CREATED,
        "points": 5,
        "min_length": 20,
        "daily_cap": 50,
    },
    {"name": "Started a conversation", "verb": Verb.TOPIC_CREATED, "points": 5, "daily_cap": 25},
    {"name": "First topic", "verb": Verb.TOPIC_CREATED, "points": 20, "first_time_only": True},
    {
        "name": "Accepted answer",
        "verb": Verb.ANSWER_ACCEPTED,
        "points": 25,
        "beneficiary": Beneficiary.PAYLOAD_MEMBER,
        "beneficiary_key": "answerer_id",
    },
    {
        "name": "Reaction received",
        "verb": Verb.REACTION_ADDED,
        "points": 1,
        "daily_cap": 20,
        "beneficiary": Beneficiary.PAYLOAD_MEMBER,
        "beneficiary_key": "author_id",
    },
    # The reviews app records review_published once per review (reviews/services.py), with
    # has_photos in its payload: 10 points for a review, 15 more with photos.
    {"name": "Review published", "verb": Verb.REVIEW_PUBLISHED, "points": 10},
    {
        "name": "Review with a photo",
        "verb": Verb.REVIEW_PUBLISHED,
        "points": 15,
        "conditions": {"payload_truthy": ["has_photos"]},
    },
    {"name": "Event attended", "verb": Verb.EVENT_ATTENDED, "points": 10},
    # The ideas app logs idea_submitted once per idea and idea_voted once per member and idea
    # (withdrawing and supporting again earns nothing twice; docs/ideas.md).
    {"name": "Idea submitted", "verb": Verb.IDEA_SUBMITTED, "points": 10, "daily_cap": 20},
    {"name": "Supported an idea", "verb": Verb.IDEA_VOTED, "points": 1, "daily_cap": 10},
    {"name": "Friend's first paid order", "verb": Verb.REFERRAL_CONVERTED, "points": 100},
    {
        "name": "Purchase",
        "verb": Verb.ORDER_PLACED,
        "points": 0,
        "points_per_unit": Decimal("1"),
        "amount_key": "total",
        "pending_refund_window": True,
    },
]

DEFAULT_TIERS = [
    {"slug": "insider", "name": "Insider", "rank": 1, "min_points": 200},
    {
        "slug": "gold",
        "name": "Gold",
        "rank": 2,
        "min_points": 1000,
        "min_spend": Decimal("500"),
        "points_multiplier": Decimal("1.25"),
        "member_discount_percent": Decimal("5"),
        "entry_reward_kind": "percentage",
        "entry_reward_value": Decimal("10"),
    },
    {
        "slug": "black",
        "name": "Black",
        "rank": 3,
        "min_points": 4000,
        "min_spend": Decimal("2000"),
        "points_multiplier": Decimal("1.5"),
        "member_discount_percent": Decimal("10"),
        "entry_reward_kind": "percentage",
        "entry_reward_value": Decimal("20"),
    },
]

DEFAULT_PERKS = [
    {
        "slug": "behind-the-scenes",
        "name": "Behind the scenes: how we test our gear",
        "kind": PerkKind.EXCLUSIVE_CONTENT,
        "cost_points": 100,
        "per_member_limit": 1,
        "description": "The field-test notes our designers keep, for members only.",
        "content": "## Field notes\n\nEvery tent spends three nights in the wind tunnel "
        "and a week on a ridge before it ships. Here is what we look for…",
    },
    {
        "slug": "ten-percent-off",
        "name": "10% off your next order",
        "kind": PerkKind.DISCOUNT_CODE,
        "cost_points": 500,
        "per_member_limit": 5,
        "discount_kind": "percentage",
        "discount_value": Decimal("10"),
        "description": "A single-use code for the shop.",
    },
]


@transaction.atomic
def install_defaults() -> dict[str, int]:
    """Create the default rules, tiers and perks that do not exist yet. Returns counts."""
    created = {"rules": 0, "tiers": 0, "perks": 0}
    for spec in DEFAULT_RULES:
        spec = dict(spec)
        name = spec.pop("name")
        _rule, was_created = Rule.objects.get_or_create(name=name, defaults=spec)
        created["rules"] += was_created
    for spec in DEFAULT_TIERS:
        spec = dict(spec)
        slug = spec.pop("slug")
        if Tier.objects.filter(rank=spec["rank"]).exclude(slug=slug).exists():
            continue  # staff have their own tier at this rank
        _tier, was_created = Tier.objects.get_or_create(slug=slug, defaults=spec)
        created["tiers"] += was_created
    for spec in DEFAULT_PERKS:
        spec = dict(spec)
        slug = spec.pop("slug")
        _perk, was_created = Perk.objects.get_or_create(slug=slug, defaults=spec)
        created["perks"] += was_created
    return created
