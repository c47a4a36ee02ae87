"""The demo's connected store: a year of orders for about half the members, and the console's
rollups built from them."""

import pytest
from django.core.management import call_command

from flywheel.analytics.models import CustomerDay, MemberFact
from flywheel.commerce.models import Customer, FinancialStatus, Order
from flywheel.demo.seed import demo_anchor
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_store_has_a_year_of_orders_refunds_and_cancellations():
    call_command("demo", **DEMO)
    anchor = demo_anchor()
    placed = list(Order.objects.values_list("placed_at", flat=True))
    assert max(placed) <= anchor
    assert (max(placed) - min(placed)).days > 200
    assert Order.objects.filter(cancelled_at__isnull=False).exists()
    assert Order.objects.filter(financial_status=FinancialStatus.REFUNDED).exists()
    assert Order.objects.filter(financial_status=FinancialStatus.PARTIALLY_REFUNDED).exists()
    buyers = Customer.objects.filter(member__isnull=False).count()
    assert 10 <= buyers <= 30  # about half of the 40 members (the team buys nothing)
    assert Customer.objects.filter(member__isnull=True).exists()  # shoppers without accounts
    # The console is populated: rollups were built after the demo.
    assert MemberFact.objects.count() == 40
    assert CustomerDay.objects.filter(member__isnull=False).exists()


def test_running_the_demo_again_adds_no_order():
    call_command("demo", **DEMO)
    orders = Order.objects.count()
    days = sorted(CustomerDay.objects.values_list("customer_id", "day", "orders", "revenue"))
    call_command("demo", **DEMO)
    assert Order.objects.count() == orders
    assert (
        sorted(CustomerDay.objects.values_list("customer_id", "day", "orders", "revenue")) == days
    )
