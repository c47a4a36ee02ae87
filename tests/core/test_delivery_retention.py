"""Delivered rows of the delivery tables are deleted after their retention; the Activity log,
dead-lettered rows (staff still replay them) and undone rows stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.core import services
from flywheel.core.models import Activity, ActivityDelivery, DeliveryState, OutboundMessage
from tests.factories import make_topic

pytestmark = pytest.mark.django_db


def _outbound(name: str, *, state: str, delivered_at=None) -> OutboundMessage:
    return OutboundMessage.objects.create(
        kind="test",
        payload={},
        dedupe_key=name,
        state=state,
        created_at=timezone.now(),
        delivered_at=delivered_at,
    )


def test_old_delivered_rows_go_and_the_rest_stay(settings):
    settings.FLYWHEEL_DELIVERY_RETENTION_DAYS = 14
    make_topic()
    make_topic()
    now = timezone.now()
    deliveries = list(ActivityDelivery.objects.order_by("pk"))
    assert len(deliveries) >= 4
    old, recent, dead, *rest = deliveries
    ActivityDelivery.objects.filter(pk=old.pk).update(
        state=DeliveryState.DELIVERED, delivered_at=now - timedelta(days=15)
    )
    ActivityDelivery.objects.filter(pk=recent.pk).update(
        state=DeliveryState.DELIVERED, delivered_at=now - timedelta(days=13)
    )
    ActivityDelivery.objects.filter(pk=dead.pk).update(
        state=DeliveryState.DEAD, created_at=now - timedelta(days=60)
    )
    _outbound("old", state=DeliveryState.DELIVERED, delivered_at=now - timedelta(days=20))
    _outbound("new", state=DeliveryState.DELIVERED, delivered_at=now - timedelta(days=1))
    _outbound("dead", state=DeliveryState.DEAD)
    activities = Activity.objects.count()

    assert services.prune_delivered(now=now) == {"activity_deliveries": 1, "outbound": 1}

    assert not ActivityDelivery.objects.filter(pk=old.pk).exists()
    assert ActivityDelivery.objects.filter(pk__in=[recent.pk, dead.pk]).count() == 2
    assert ActivityDelivery.objects.count() == len(deliveries) - 1
    assert set(OutboundMessage.objects.values_list("dedupe_key", flat=True)) == {"new", "dead"}
    assert Activity.objects.count() == activities
    assert services.prune_delivered(now=now) == {"activity_deliveries": 0, "outbound": 0}


def test_pruning_goes_in_chunks(settings, monkeypatch):
    settings.FLYWHEEL_DELIVERY_RETENTION_DAYS = 1
    monkeypatch.setattr(services, "PRUNE_CHUNK", 2)
    for number in range(5):
        _outbound(
            f"m{number}",
            state=DeliveryState.DELIVERED,
            delivered_at=timezone.now() - timedelta(days=2),
        )
    assert services.prune_delivered()["outbound"] == 5
    assert not OutboundMessage.objects.exists()
