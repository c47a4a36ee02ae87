"""A real database error on the first processing attempt: nothing half-written, and the
retry ends with exactly one order with the right totals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from flywheel.commerce import tasks
from flywheel.commerce.models import DeliveryStatus, Order, OrderLine, WebhookDelivery
from tests.commerce.webhook_helpers import make_store, post_shopify

pytestmark = pytest.mark.django_db

TRIGGER = "fw_simulated_outage"


def refuse_order_inserts() -> None:
    """Make the database itself reject new orders, as an outage or a lock timeout would."""
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION {TRIGGER}() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'simulated database outage'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'simulated database outage'); END"
            )


def accept_order_inserts_again() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {TRIGGER} ON {Order._meta.db_table}")
            cursor.execute(f"DROP FUNCTION {TRIGGER}()")
        else:
            cursor.execute(f"DROP TRIGGER {TRIGGER}")


def test_a_database_error_on_the_first_try_is_retried_to_exactly_one_order():
    make_store("shopify")
    # Stored and acknowledged, processing not yet run (its on-commit task is not executed).
    assert post_shopify(Client(), "orders_create", event_id="evt-outage").status_code == 200
    delivery = WebhookDelivery.objects.get()

    refuse_order_inserts()
    first = tasks.process_delivery.apply(args=[delivery.pk], retries=0, throw=False)
    assert first.failed()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    # PostgreSQL reports the trigger's error; on SQLite the upsert's race handling turns the
    # refused insert into a failed lookup. Either way the attempt failed and was recorded.
    assert delivery.last_error
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0

    accept_order_inserts_again()
    second = tasks.process_delivery.apply(args=[delivery.pk], retries=1, throw=False)
    assert second.successful()
    again = tasks.process_delivery.apply(args=[delivery.pk], retries=2, throw=False)
    assert again.successful()

    order = Order.objects.get()
    assert OrderLine.objects.count() == 2
    assert order.total == Decimal("204.92")
    assert order.discount == Decimal("10.00")
    assert order.tax == Decimal("15.92")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSED
