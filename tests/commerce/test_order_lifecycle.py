"""Orders count only when paid: recorded payloads of the three platforms, posted through the
real webhook endpoints, decide points, reversals, verified buyers, gates and trust."""

import copy
import datetime
from decimal import Decimal
from email.utils import format_datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from flywheel.commerce.models import Order, SpaceGate
from flywheel.commerce.queries import is_verified_buyer, member_spend
from flywheel.community.models import Visibility
from flywheel.community.permissions import can_view_space
from flywheel.core.models import Activity
from flywheel.rewards.defaults import install_defaults
from flywheel.rewards.models import EntryKind, LedgerEntry, PointsAccount
from flywheel.rewards.services import approve_matured_points
from flywheel.trust.queries import member_figures
from tests.commerce.fake_store import connect_fake_shop
from tests.commerce.webhook_helpers import load, make_store, post, post_shopify, post_woocommerce
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

SHOPIFY_EMAIL = "jon@example.com"
WOO_EMAIL = "anna@example.it"
BIGCOMMERCE_EMAIL = "mary@example.co.uk"
SHOPIFY_POINTS = 204  # 1 point per unit of the 204.92 total (the shipped Purchase rule)
WOO_POINTS = 70  # 70.30


@pytest.fixture
def programme(db):
    install_defaults()


@pytest.fixture
def buyer(db):
    member = UserFactory(email=SHOPIFY_EMAIL)
    for address in (SHOPIFY_EMAIL, WOO_EMAIL, BIGCOMMERCE_EMAIL):
        EmailAddress.objects.create(
            user=member, email=address, verified=True, primary=address == SHOPIFY_EMAIL
        )
    return member


@pytest.fixture
def any_order_space(db):
    space = SpaceFactory(visibility=Visibility.GATED, gate_description="Customers")
    SpaceGate.objects.create(space=space, any_order=True)
    return space


def account(member) -> PointsAccount:
    return PointsAccount.objects.filter(member=member).first() or PointsAccount(member=member)


def verbs(member) -> list[str]:
    return list(
        Activity.objects.filter(actor=member, verb__startswith="order_")
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def shopify_at(name: str, *, placed: datetime.datetime, updated: datetime.datetime, **changes):
    """A recorded Shopify payload moved to recent times (so order points are still in
    their refund window)."""
    payload = copy.deepcopy(load("shopify", name))
    payload.update(created_at=iso(placed), processed_at=iso(placed), updated_at=iso(updated))
    if payload.get("cancelled_at"):
        payload["cancelled_at"] = iso(updated)
    payload.update(changes)
    return payload


# --- Shopify -----------------------------------------------------------------------------


def test_a_pending_shopify_order_earns_nothing_until_it_is_paid(
    client, programme, buyer, any_order_space
):
    make_store("shopify")
    now = timezone.now()
    placed, paid_at = now - datetime.timedelta(hours=3), now - datetime.timedelta(hours=1)

    post_shopify(
        client,
        "orders_create_pending",
        payload=shopify_at("orders_create_pending", placed=placed, updated=placed),
    )

    assert Order.objects.get().financial_status == "pending"
    assert verbs(buyer) == []
    assert account(buyer).pending == 0
    assert is_verified_buyer(buyer) is False
    assert can_view_space(buyer, any_order_space) is False
    assert member_figures(buyer)["verified_purchases"] == 0

    post_shopify(
        client, "orders_paid", payload=shopify_at("orders_paid", placed=placed, updated=paid_at)
    )

    assert verbs(buyer) == ["order_placed"]
    # It began to count when it was paid: the refund window starts then.
    assert Activity.objects.get(verb="order_placed").created_at == paid_at
    assert (account(buyer).pending, account(buyer).balance) == (SHOPIFY_POINTS, 0)
    assert is_verified_buyer(buyer) is True
    assert can_view_space(buyer, any_order_space) is True
    assert member_figures(buyer)["verified_purchases"] == 1


def test_a_voided_shopify_order_that_was_never_paid_leaves_no_trace(client, programme, buyer):
    make_store("shopify")

    post_shopify(client, "orders_create_pending")
    post_shopify(client, "orders_updated_voided")

    assert Order.objects.get().financial_status == "voided"
    assert verbs(buyer) == []
    assert not LedgerEntry.objects.exists()
    assert member_spend(buyer) == []


def test_a_cancelled_shopify_order_loses_its_pending_points_once(client, programme, buyer):
    make_store("shopify")
    now = timezone.now()
    placed, cancelled = now - datetime.timedelta(hours=3), now - datetime.timedelta(hours=1)
    post_shopify(
        client, "orders_create", payload=shopify_at("orders_create", placed=placed, updated=placed)
    )
    assert account(buyer).pending == SHOPIFY_POINTS

    cancel = shopify_at("orders_cancelled", placed=placed, updated=cancelled)
    post_shopify(client, "orders_cancelled", payload=cancel)
    post_shopify(client, "orders_cancelled", payload=cancel)  # a second delivery of the same

    assert verbs(buyer) == ["order_placed", "order_cancelled"]
    assert (account(buyer).pending, account(buyer).balance) == (0, 0)
    kinds = LedgerEntry.objects.order_by("pk").values_list("kind", "points", "status")
    assert list(kinds) == [
        (EntryKind.AWARD, SHOPIFY_POINTS, "pending"),
        (EntryKind.REVERSE, -SHOPIFY_POINTS, "pending"),
    ]
    # When the window passes, nothing becomes spendable.
    approve_matured_points(now=now + datetime.timedelta(days=31))
    assert (account(buyer).pending, account(buyer).balance) == (0, 0)


def test_a_cancelled_shopify_order_loses_its_approved_points_and_stops_counting(
    client, programme, buyer, any_order_space
):
    make_store("shopify")
    post_shopify(client, "orders_create")  # recorded in 2024: its refund window has passed
    assert account(buyer).balance == SHOPIFY_POINTS

    post_shopify(client, "orders_cancelled")

    assert (account(buyer).balance, account(buyer).lifetime_earned) == (0, 0)
    assert is_verified_buyer(buyer) is False
    assert can_view_space(buyer, any_order_space) is False
    assert member_figures(buyer)["verified_purchases"] == 0
    assert member_spend(buyer) == []


def test_a_shopify_test_order_is_stored_but_never_counts(client, programme, buyer, any_order_space):
    make_store("shopify")

    post_shopify(client, "orders_create_test")

    order = Order.objects.get()
    assert (order.test, order.financial_status) == (True, "paid")
    assert verbs(buyer) == []
    assert not LedgerEntry.objects.exists()
    assert is_verified_buyer(buyer) is False
    assert can_view_space(buyer, any_order_space) is False
    assert member_figures(buyer)["verified_purchases"] == 0
    assert member_spend(buyer) == []


# --- WooCommerce -------------------------------------------------------------------------


def test_a_woocommerce_order_earns_when_it_moves_from_pending_to_processing(
    client, programme, buyer
):
    make_store("woocommerce", currency="EUR")

    post_woocommerce(client, "order_pending", "order.created")
    assert verbs(buyer) == []

    post_woocommerce(client, "order_paid", "order.updated")

    assert verbs(buyer) == ["order_placed"]
    assert account(buyer).balance == WOO_POINTS
    assert is_verified_buyer(buyer) is True


def test_a_woocommerce_order_cancelled_before_payment_earns_nothing(client, programme, buyer):
    make_store("woocommerce", currency="EUR")

    post_woocommerce(client, "order_pending", "order.created")
    post_woocommerce(client, "order_cancelled", "order.updated")

    assert Order.objects.get().cancelled_at is not None
    assert verbs(buyer) == []
    assert not LedgerEntry.objects.exists()


def test_a_paid_woocommerce_order_that_is_cancelled_is_reversed(client, programme, buyer):
    make_store("woocommerce", currency="EUR")
    post_woocommerce(client, "order_created", "order.created")
    assert account(buyer).balance == WOO_POINTS

    post_woocommerce(client, "order_cancelled", "order.updated")

    assert verbs(buyer) == ["order_placed", "order_cancelled"]
    assert account(buyer).balance == 0
    assert is_verified_buyer(buyer) is False
    assert member_figures(buyer)["verified_purchases"] == 0


# --- BigCommerce -------------------------------------------------------------------------


@pytest.fixture
def bigcommerce_shop(settings):
    settings.FLYWHEEL_STORE_API_MAX_ATTEMPTS = 1
    store, fake = connect_fake_shop(
        "bigcommerce", settings, domain="store-abc123.mybigcommerce.com", platform_store_id="abc123"
    )
    yield store, fake
    fake.stop()


def bigcommerce_notify(client, name: str, order_id: int):
    payload = copy.deepcopy(load("bigcommerce", name))
    payload["data"]["id"] = order_id
    return post(client, "bigcommerce", payload, {"HTTP_X_FLYWHEEL_WEBHOOK_SECRET": "whsec_test"})


def bigcommerce_status(fake, order_id: int, *, status_id: int, status: str, minutes: int):
    when = datetime.datetime(2024, 3, 2, tzinfo=datetime.UTC) + datetime.timedelta(minutes=minutes)
    fake.touch_order(order_id, updated_at=when, status_id=status_id, status=status)
    assert fake.orders[order_id]["date_modified"] == format_datetime(when, usegmt=True)


def test_a_bigcommerce_order_earns_once_payment_arrives_and_loses_it_when_cancelled(
    client, programme, buyer, bigcommerce_shop
):
    _store, fake = bigcommerce_shop
    record = fake.add_order(
        with_refund=False, email=BIGCOMMERCE_EMAIL, status_id=7, status="Awaiting Payment"
    )
    order_id = record["id"]
    points = int(Decimal(record["total_inc_tax"]))

    bigcommerce_notify(client, "order_created", order_id)
    assert Order.objects.get().financial_status == "pending"
    assert verbs(buyer) == []

    bigcommerce_status(fake, order_id, status_id=11, status="Awaiting Fulfillment", minutes=10)
    bigcommerce_notify(client, "order_status_updated_paid", order_id)
    assert verbs(buyer) == ["order_placed"]
    assert account(buyer).balance == points
    assert is_verified_buyer(buyer) is True

    bigcommerce_status(fake, order_id, status_id=5, status="Cancelled", minutes=20)
    bigcommerce_notify(client, "order_status_updated_cancelled", order_id)
    assert verbs(buyer) == ["order_placed", "order_cancelled"]
    assert account(buyer).balance == 0
    assert is_verified_buyer(buyer) is False


def test_a_bigcommerce_order_cancelled_while_awaiting_payment_earns_nothing(
    client, programme, buyer, bigcommerce_shop
):
    _store, fake = bigcommerce_shop
    record = fake.add_order(
        with_refund=False, email=BIGCOMMERCE_EMAIL, status_id=7, status="Awaiting Payment"
    )
    bigcommerce_notify(client, "order_created", record["id"])
    bigcommerce_status(fake, record["id"], status_id=5, status="Cancelled", minutes=10)
    bigcommerce_notify(client, "order_status_updated_cancelled", record["id"])

    assert Order.objects.get().cancelled_at is not None
    assert verbs(buyer) == []
    assert not LedgerEntry.objects.exists()


# --- Tier spend and the staff panel across currencies ------------------------------------


def test_tier_spend_from_two_shops_counts_one_currency_and_the_other_only_at_a_rate(
    client, buyer, settings
):
    from flywheel.rewards.services import qualification, qualified_tier
    from tests.rewards.conftest import make_tier

    settings.FLYWHEEL_REWARDS_CURRENCY = "EUR"
    gold = make_tier(rank=1, min_points=100_000, min_spend=Decimal("150"))
    make_store("shopify")  # USD
    make_store("woocommerce", currency="EUR")
    now = timezone.now()
    placed = now - datetime.timedelta(days=2)
    post_shopify(
        client, "orders_create", payload=shopify_at("orders_create", placed=placed, updated=placed)
    )
    woo_time = placed.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    post_woocommerce(
        client,
        "order_created",
        "order.created",
        date_created_gmt=woo_time,
        date_modified_gmt=woo_time,
    )

    # Never 204.92 USD + 70.30 EUR = "275.22".
    assert qualification(buyer.pk, at=now, need_spend=True)[1] == Decimal("70.30")
    assert qualified_tier(buyer.pk, at=now) is None
    settings.FLYWHEEL_REWARDS_EXCHANGE_RATES = "USD=0.5"
    assert qualification(buyer.pk, at=now, need_spend=True)[1] == Decimal("172.76")
    assert qualified_tier(buyer.pk, at=now) == gold
    # The staff panel shows each currency on its own.
    assert member_spend(buyer) == [
        {"currency": "EUR", "total": Decimal("70.30")},
        {"currency": "USD", "total": Decimal("204.92")},
    ]

    post_shopify(
        client,
        "orders_cancelled",
        payload=shopify_at("orders_cancelled", placed=placed, updated=now),
    )

    assert qualification(buyer.pk, at=now, need_spend=True)[1] == Decimal("70.30")
    assert member_spend(buyer) == [{"currency": "EUR", "total": Decimal("70.30")}]


# --- One rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [choice for choice, _label in Order._meta.get_field("financial_status").choices]
)
@pytest.mark.parametrize("cancelled", [False, True])
@pytest.mark.parametrize("test", [False, True])
def test_an_order_counts_as_a_purchase_exactly_when_the_counting_queryset_has_it(
    status, cancelled, test
):
    store = make_store("shopify")
    order = Order.objects.create(
        store=store,
        external_id="1",
        currency="USD",
        total=Decimal("10.00"),
        financial_status=status,
        cancelled_at=timezone.now() if cancelled else None,
        test=test,
    )
    counted = Order.objects.counting().filter(pk=order.pk).exists()
    assert order.counts_as_purchase is counted
    assert counted is (status in ("paid", "partially_refunded") and not cancelled and not test)
