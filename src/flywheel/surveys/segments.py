"""Who a survey is for: the built-in member segments (core.hooks.member_segments).

Keys: "everyone", "space:<id>" (members of a space), "tier:<id>" (a VIP tier), "trust:<n>"
(trust level n and up), "buyers" and "non_buyers" (an order that counts as a purchase).
analytics' saved segments register their own provider with their own keys."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from flywheel.commerce.models import Order
from flywheel.community.models import Space, SpaceMembership
from flywheel.core import hooks
from flywheel.rewards.models import PointsAccount, Tier
from flywheel.trust.models import MemberTrust, TrustLevel


def _active_members() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def _buyer_ids() -> QuerySet:
    return (
        Order.objects.counting()
        .filter(customer__member__isnull=False)
        .values("customer__member_id")
    )


class BuiltInSegments:
    def segments(self) -> list[tuple[str, str]]:
        choices = [("everyone", _("Every member"))]
        choices += [
            (f"space:{space.pk}", _("Members of %(space)s") % {"space": space.name})
            for space in Space.objects.order_by("position", "name").only("pk", "name")
        ]
        choices += [
            (f"tier:{tier.pk}", _("VIP tier %(tier)s") % {"tier": tier.name})
            for tier in Tier.objects.order_by("rank").only("pk", "name")
        ]
        choices += [
            (f"trust:{level}", _("Trust level %(level)s and up") % {"level": label})
            for level, label in TrustLevel.choices
            if level > 0
        ]
        choices += [("buyers", _("Buyers")), ("non_buyers", _("Members who never bought"))]
        return choices

    def member_ids(self, key: str) -> QuerySet | None:
        members = _active_members()
        kind, _colon, value = key.partition(":")
        if key == "everyone":
            return members.values("pk")
        if key == "buyers":
            return members.filter(pk__in=_buyer_ids()).values("pk")
        if key == "non_buyers":
            return members.exclude(pk__in=_buyer_ids()).values("pk")
        if not value.isdigit():
            return None
        number = int(value)
        if kind == "space":
            in_space = SpaceMembership.objects.filter(space_id=number).values("member_id")
            return members.filter(pk__in=in_space).values("pk")
        if kind == "tier":
            in_tier = PointsAccount.objects.filter(tier_id=number).values("member_id")
            return members.filter(pk__in=in_tier).values("pk")
        if kind == "trust":
            at_level = MemberTrust.objects.filter(
                Q(locked_level__gte=number) | Q(locked_level__isnull=True, level__gte=number)
            ).values("member_id")
            return members.filter(pk__in=at_level).values("pk")
        return None


def segment_choices() -> list[tuple[str, str]]:
    """Every provider's segments, for the staff form."""
    choices: list[tuple[str, str]] = []
    for provider in hooks.member_segments:
        choices += provider.segments()
    return choices


def segment_member_ids(key: str) -> QuerySet | None:
    """The ids of the members in segment `key` now, from the first provider that knows it."""
    for provider in hooks.member_segments:
        ids = provider.member_ids(key)
        if ids is not None:
            return ids
    return None


def segment_label(key: str) -> str:
    return dict(segment_choices()).get(key, key)
