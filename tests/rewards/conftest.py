import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from flywheel.core.models import Activity
from flywheel.rewards.models import Beneficiary, Perk, PerkKind, Rule, Tier

_dedupe = itertools.count(1)


def make_rule(**fields) -> Rule:
    fields.setdefault("name", f"{fields.get('verb', 'reply_created')} rule")
    fields.setdefault("verb", "reply_created")
    fields.setdefault("points", 10)
    rule = Rule(**fields)
    rule.full_clean()
    rule.save()
    return rule


def make_tier(**fields) -> Tier:
    rank = fields.setdefault("rank", 1)
    fields.setdefault("name", f"Tier {rank}")
    fields.setdefault("slug", f"tier-{rank}")
    return Tier.objects.create(**fields)


def make_perk(**fields) -> Perk:
    fields.setdefault("name", "Members-only field notes")
    fields.setdefault("slug", f"perk-{next(_dedupe)}")
    fields.setdefault("kind", PerkKind.EXCLUSIVE_CONTENT)
    fields.setdefault("cost_points", 50)
    fields.setdefault("content", "## Secret notes\n\nThe wind tunnel runs at 90 km/h.")
    return Perk.objects.create(**fields)


def activity(*, actor, verb: str, at=None, payload=None, target_id=None, space=None) -> Activity:
    """An Activity row as the services would log it (without dispatching consumers)."""
    return Activity.objects.create(
        actor=actor,
        verb=verb,
        payload=payload or {},
        target_id=target_id,
        space=space,
        created_at=at or timezone.now(),
    )


def order_activity(*, actor, order_id: int, total: str, currency="EUR", at=None) -> Activity:
    return activity(
        actor=actor,
        verb="order_placed",
        at=at,
        target_id=order_id,
        payload={"order_id": order_id, "total": total, "currency": currency},
    )


def stop_activity(*, actor, order_id: int, verb="order_cancelled", at=None) -> Activity:
    """The order stopped counting as a purchase (commerce records it once per order)."""
    return activity(
        actor=actor, verb=verb, at=at, target_id=order_id, payload={"order_id": order_id}
    )


def refund_activity(*, actor, order_id: int, total: str, amount: str, refund_id: int, at=None):
    return activity(
        actor=actor,
        verb="order_refunded",
        at=at,
        target_id=order_id,
        payload={"order_id": order_id, "total": total, "amount": amount, "refund_id": refund_id},
    )


@pytest.fixture
def reply_rule(db):
    return make_rule(name="Helpful reply", verb="reply_created", points=10, min_length=20)


@pytest.fixture
def purchase_rule(db):
    return make_rule(
        name="Purchase",
        verb="order_placed",
        points=0,
        points_per_unit=Decimal("1"),
        pending_refund_window=True,
    )


@pytest.fixture
def answer_rule(db):
    return make_rule(
        name="Accepted answer",
        verb="answer_accepted",
        points=25,
        beneficiary=Beneficiary.PAYLOAD_MEMBER,
        beneficiary_key="answerer_id",
    )


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
