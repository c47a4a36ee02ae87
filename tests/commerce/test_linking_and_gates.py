"""Customers become members' purchases: linking, activities, verified buyers, gated spaces."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from flywheel.commerce import services
from flywheel.commerce.models import Customer, Order, Product, SpaceGate
from flywheel.commerce.queries import is_verified_buyer
from flywheel.community.models import Visibility
from flywheel.community.permissions import can_view_space
from flywheel.core.exceptions import InvalidInput
from flywheel.core.models import Activity, Verb
from tests.commerce.webhook_helpers import load, make_store, post_shopify
from tests.factories import AdminFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

BUYER_EMAIL = "jon@example.com"


@pytest.fixture
def store(db):
    return make_store("shopify")


@pytest.fixture
def buyer(db):
    member = UserFactory(email=BUYER_EMAIL)
    EmailAddress.objects.create(user=member, email=BUYER_EMAIL, verified=True, primary=True)
    return member


@pytest.fixture
def gated_space(db):
    return SpaceFactory(visibility=Visibility.GATED, gate_description="Tent owners")


def gate_on_tent(space, store):
    gate = SpaceGate.objects.create(space=space)
    gate.products.add(Product.objects.get(store=store, external_id="632910392"))
    return gate


def test_an_order_links_to_the_member_with_that_verified_address(client, store, buyer):
    post_shopify(client, "orders_create")

    assert Customer.objects.get().member == buyer
    assert is_verified_buyer(buyer) is True


def test_an_unverified_address_does_not_link(client, store):
    member = UserFactory(email=BUYER_EMAIL)
    EmailAddress.objects.create(user=member, email=BUYER_EMAIL, verified=False, primary=True)

    post_shopify(client, "orders_create")

    assert Customer.objects.get().member is None
    assert is_verified_buyer(member) is False


def test_verifying_an_address_later_links_the_earlier_orders(client, store):
    post_shopify(client, "orders_create")
    member = UserFactory(email=BUYER_EMAIL)
    address = EmailAddress.objects.create(user=member, email=BUYER_EMAIL, verified=False)

    assert is_verified_buyer(member) is False
    address.verified = True
    address.save()
    from allauth.account.signals import email_confirmed

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)

    assert Customer.objects.get().member == member
    assert is_verified_buyer(member) is True
    assert Activity.objects.filter(actor=member, verb=Verb.ORDER_PLACED).count() == 1


def test_order_placed_is_recorded_once_with_total_and_currency(client, store, buyer):
    post_shopify(client, "orders_create")
    post_shopify(client, "orders_updated")
    services.link_customers_for_member(buyer)

    activity = Activity.objects.get(verb=Verb.ORDER_PLACED)
    order = Order.objects.get()
    assert activity.actor == buyer
    assert activity.payload == {
        "order_id": order.pk,
        "external_id": order.external_id,
        "number": "#1001",
        "total": "204.92",
        "currency": "USD",
        "store": store.domain,
    }


def test_order_refunded_is_recorded_once_per_refund(client, store, buyer):
    post_shopify(client, "orders_create")
    post_shopify(client, "refunds_create")
    post_shopify(client, "refunds_create")

    refunded = Activity.objects.filter(verb=Verb.ORDER_REFUNDED)
    assert refunded.count() == 1
    assert refunded.get().payload["amount"] == "21.60"


def test_staff_can_link_a_customer_to_a_member_explicitly(client, store):
    post_shopify(client, "orders_create")
    member = UserFactory(email="jon.other@example.com")
    admin = AdminFactory()

    services.link_customer_to_member(customer=Customer.objects.get(), member=member, by=admin)

    assert Customer.objects.get().member == member
    assert is_verified_buyer(member)


def test_a_member_cannot_link_customers(client, store, member):
    post_shopify(client, "orders_create")

    with pytest.raises(InvalidInput) as error:
        services.link_customer_to_member(customer=Customer.objects.get(), member=member, by=member)
    assert error.value.field == "member"
    assert Customer.objects.get().member is None


def test_a_buyer_of_a_gate_product_can_read_the_gated_space(client, store, buyer, gated_space):
    post_shopify(client, "products_create")
    gate_on_tent(gated_space, store)
    assert can_view_space(buyer, gated_space) is False

    post_shopify(client, "orders_create")

    assert can_view_space(buyer, gated_space) is True
    assert is_verified_buyer(buyer, Product.objects.get()) is True


def test_a_buyer_of_other_products_cannot_read_the_gated_space(client, store, buyer, gated_space):
    post_shopify(client, "products_create")
    gate_on_tent(gated_space, store)
    order = load("shopify", "orders_create")
    order["line_items"] = [order["line_items"][1]]  # the stakes only
    post_shopify(client, "orders_create", payload=order)

    assert can_view_space(buyer, gated_space) is False


def test_a_refunded_line_closes_the_gate(client, store, buyer, gated_space):
    post_shopify(client, "products_create")
    gate_on_tent(gated_space, store)
    post_shopify(client, "orders_create")

    post_shopify(client, "refunds_create_full")

    assert can_view_space(buyer, gated_space) is False
    assert is_verified_buyer(buyer) is False


def test_a_cancelled_order_does_not_open_the_gate(client, store, buyer, gated_space):
    post_shopify(client, "products_create")
    gate_on_tent(gated_space, store)
    post_shopify(client, "orders_cancelled")

    assert can_view_space(buyer, gated_space) is False


def test_an_unpaid_order_does_not_open_an_any_order_gate(client, store, buyer, gated_space):
    SpaceGate.objects.create(space=gated_space, any_order=True)
    post_shopify(client, "orders_create", financial_status="pending")
    assert can_view_space(buyer, gated_space) is False

    post_shopify(client, "orders_updated", financial_status="paid")

    assert can_view_space(buyer, gated_space) is True


def test_anonymous_and_other_members_cannot_read_the_gated_space(
    client, store, buyer, gated_space, other_member
):
    from django.contrib.auth.models import AnonymousUser

    SpaceGate.objects.create(space=gated_space, any_order=True)
    post_shopify(client, "orders_create")

    assert can_view_space(AnonymousUser(), gated_space) is False
    assert can_view_space(other_member, gated_space) is False


def test_the_gated_space_page_opens_for_the_buyer(client, store, buyer, gated_space):
    SpaceGate.objects.create(space=gated_space, any_order=True)
    url = reverse("community:space", kwargs={"slug": gated_space.slug})
    client.force_login(buyer)
    assert client.get(url).status_code in (403, 404)

    post_shopify(client, "orders_create")

    assert client.get(url).status_code == 200


def test_the_gate_check_takes_two_queries(
    client, store, buyer, gated_space, django_assert_num_queries
):
    post_shopify(client, "products_create")
    gate_on_tent(gated_space, store)
    post_shopify(client, "orders_create")
    from flywheel.commerce.queries import passes_purchase_gate

    with django_assert_num_queries(2):
        assert passes_purchase_gate(buyer, gated_space) is True


# --- the staff view of a member's orders on the profile -------------------------------


def make_orders(store, member, count):
    customer = Customer.objects.create(store=store, external_id="c1", member=member)
    for number in range(count):
        Order.objects.create(
            store=store,
            external_id=str(number),
            number=f"#{number}",
            customer=customer,
            currency="USD",
            total=Decimal("10.00"),
            financial_status="paid",
        )


def test_admins_see_a_members_orders_and_spend_on_the_profile(client, store, buyer):
    make_orders(store, buyer, 3)
    client.force_login(AdminFactory())

    page = client.get(reverse("accounts:profile", kwargs={"handle": buyer.handle}))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="member-orders"' in html
    assert "#2" in html
    assert "30.00 USD" in html


def test_moderators_do_not_see_a_members_orders_or_spend(client, store, buyer, moderator):
    make_orders(store, buyer, 3)
    client.force_login(moderator)

    page = client.get(reverse("accounts:profile", kwargs={"handle": buyer.handle}))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="member-orders"' not in html
    assert "30.00 USD" not in html


def test_other_members_do_not_see_a_members_orders(client, store, buyer, other_member):
    make_orders(store, buyer, 3)
    client.force_login(other_member)

    page = client.get(reverse("accounts:profile", kwargs={"handle": buyer.handle}))

    assert page.status_code == 200
    assert 'id="member-orders"' not in page.content.decode()


def test_the_member_does_not_see_their_own_staff_panel(client, store, buyer):
    make_orders(store, buyer, 1)
    client.force_login(buyer)

    page = client.get(reverse("accounts:profile", kwargs={"handle": buyer.handle}))

    assert 'id="member-orders"' not in page.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_the_orders_panel_costs_the_same_queries_for_5_and_50_orders(client, store, buyer, count):
    make_orders(store, buyer, count)
    client.force_login(AdminFactory())
    url = reverse("accounts:profile", kwargs={"handle": buyer.handle})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    commerce_queries = [q for q in queries.captured_queries if "commerce_" in q["sql"]]
    assert len(commerce_queries) == 2
