"""commerce announces every stored order through hooks.order_changes, after commit: guests'
orders included (they never reach the Activity log), never before the write is durable, and a
listener that raises neither fails nor undoes the write."""

import pytest

from flywheel.commerce.models import Order, Store
from flywheel.core import hooks
from tests.analytics.dataset import at, order

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return Store.objects.create(
        platform="shopify", domain="hook.example.com", webhook_secret="s", currency="EUR"
    )


def test_a_guest_order_is_announced_once_the_write_commits(
    store, django_capture_on_commit_callbacks
):
    seen: list[hooks.OrderChanged] = []
    with hooks.order_changes.registered(seen.append, name="test.seen"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            stored = order(
                store, "g1", email="guest@example.com", placed=at("2025-03-01"), total="20.00"
            )
        assert seen == []  # nothing before commit
        for callback in callbacks:
            callback()
    assert seen == [hooks.OrderChanged(order_id=stored.pk, store_id=store.pk)]
    assert stored.customer.member_id is None


def test_a_listener_that_raises_does_not_fail_the_write(store, django_capture_on_commit_callbacks):
    def broken(change: hooks.OrderChanged) -> None:
        raise RuntimeError("listener down")

    seen: list[int] = []
    with (
        hooks.order_changes.registered(broken, name="test.broken", order=10),
        hooks.order_changes.registered(lambda change: seen.append(change.order_id), name="test.ok"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        stored = order(
            store, "g2", email="guest2@example.com", placed=at("2025-03-01"), total="5.00"
        )
    assert Order.objects.filter(pk=stored.pk).exists()
    assert seen == [stored.pk]
