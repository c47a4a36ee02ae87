"""Shopify's mandatory privacy topics: data requests, customer erasure, shop erasure."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from flywheel.commerce.models import (
    Customer,
    DeliveryStatus,
    Order,
    PrivacyRequest,
    PrivacyRequestKind,
    WebhookDelivery,
)
from flywheel.commerce.queries import is_verified_buyer
from flywheel.privacy.models import ErasureRequest, ErasureStatus
from flywheel.privacy.services import collect_member_data, erase_member
from tests.commerce.webhook_helpers import load, make_store, post_shopify
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return make_store("shopify")


@pytest.fixture
def buyer(db):
    member = UserFactory(email="jon@example.com")
    EmailAddress.objects.create(user=member, email="jon@example.com", verified=True)
    return member


def test_customer_redact_erases_personal_data_and_keeps_totals(client, store, buyer):
    post_shopify(client, "orders_create")
    post_shopify(client, "refunds_create")
    assert Customer.objects.get().member == buyer

    response = post_shopify(client, "customers_redact")

    assert response.status_code == 200
    customer = Customer.objects.get()
    assert customer.email == ""
    assert customer.first_name == customer.last_name == customer.phone == ""
    assert customer.addresses == []
    assert customer.member is None
    assert customer.redacted_at is not None
    order = Order.objects.get()
    assert order.email == ""
    assert order.billing_address == {} and order.shipping_address == {}
    assert order.total == Decimal("204.92")
    assert order.refunded_total == Decimal("21.60")
    assert order.lines.count() == 2
    assert is_verified_buyer(buyer) is False
    request = PrivacyRequest.objects.get()
    assert request.kind == PrivacyRequestKind.CUSTOMER_REDACT
    assert request.completed_at is not None


def test_an_older_order_update_after_redaction_does_not_restore_personal_data(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "customers_redact")

    post_shopify(client, "orders_updated")

    assert Customer.objects.get().email == ""
    assert Order.objects.get().email == ""
    assert Order.objects.get().shipping_address == {}


def test_shop_redact_erases_every_customer_of_the_store(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "customers_create", id=42, email="other@example.com")

    post_shopify(client, "shop_redact")

    assert set(Customer.objects.values_list("email", flat=True)) == {""}
    assert Customer.objects.filter(redacted_at__isnull=True).count() == 0
    assert Order.objects.get().total == Decimal("204.92")


def test_a_data_request_is_recorded_with_what_we_hold(client, store):
    post_shopify(client, "orders_create")

    post_shopify(client, "customers_data_request")

    request = PrivacyRequest.objects.get(kind=PrivacyRequestKind.DATA_REQUEST)
    assert request.completed_at is None  # for staff to send
    assert request.customer_external_id == "115310627314723954"
    assert request.export["customers"][0]["email"] == "jon@example.com"
    assert request.export["orders"][0]["number"] == "#1001"
    assert request.export["orders"][0]["total"] == "204.92"
    assert WebhookDelivery.objects.get(topic="customers/data_request").status == (
        DeliveryStatus.PROCESSED
    )


def test_privacy_deliveries_need_a_valid_signature(client, store):
    response = post_shopify(client, "shop_redact", secret="forged")

    assert response.status_code == 401
    assert PrivacyRequest.objects.count() == 0


def test_customer_redact_also_erases_guest_checkouts_under_that_address(client, store):
    guest_order = load("shopify", "orders_create")
    guest_order["customer"] = None
    guest_order["id"] = 1
    post_shopify(client, "orders_create", payload=guest_order)
    assert Customer.objects.get().external_id == "guest:jon@example.com"

    post_shopify(client, "customers_redact")

    guest = Customer.objects.get()
    assert "jon@example.com" not in guest.external_id
    assert guest.email == ""
    assert Order.objects.get().email == ""


# Account erasure and data export (flywheel.privacy registry) ------------------------------


def test_erasing_a_member_redacts_their_linked_customer_and_keeps_order_totals(
    client, store, buyer
):
    post_shopify(client, "orders_create")
    post_shopify(client, "refunds_create")

    erase_member(buyer, content="anonymise", reason="member request")

    customer = Customer.objects.get()
    assert customer.member is None
    assert customer.email == customer.first_name == customer.last_name == customer.phone == ""
    assert customer.addresses == []
    assert customer.redacted_at is not None
    order = Order.objects.get()
    assert order.email == ""
    assert order.billing_address == {} and order.shipping_address == {}
    assert order.total == Decimal("204.92")
    assert order.refunded_total == Decimal("21.60")
    assert order.lines.count() == 2
    assert order.refunds.count() == 1


def test_erasing_a_member_leaves_other_customers_of_the_store_alone(client, store, buyer):
    post_shopify(client, "orders_create")
    post_shopify(client, "customers_create", id=42, email="other@example.com")

    erase_member(buyer, content="delete", reason="member request")

    assert Customer.objects.get(external_id="42").email == "other@example.com"


def test_the_data_export_holds_my_linked_customers_and_orders_with_lines_and_refunds(
    client, store, buyer, other_member
):
    post_shopify(client, "orders_create")
    post_shopify(client, "refunds_create")
    post_shopify(client, "customers_create", id=42, email="other@example.com")

    data, _files = collect_member_data(buyer)

    commerce = data["commerce"]
    assert [customer["email"] for customer in commerce["customers"]] == ["jon@example.com"]
    [order] = commerce["orders"]
    assert order["number"] == "#1001"
    assert order["total"] == "204.92" and order["refunded"] == "21.60"
    assert sorted(line["title"] for line in order["lines"]) == ["Titanium Stakes", "Trail Tent 2P"]
    assert [refund["amount"] for refund in order["refunds"]] == ["21.60"]
    assert collect_member_data(other_member)[0]["commerce"] == {"customers": [], "orders": []}


# Store erasure requests for a linked member take the account-deletion path -----------------


def test_customer_redact_for_a_linked_member_erases_their_account_like_account_deletion(
    client, store, buyer, space
):
    topic = make_topic(space=space, author=buyer, body="My tent review")
    post_shopify(client, "orders_create")

    response = post_shopify(client, "customers_redact")

    assert response.status_code == 200
    buyer.refresh_from_db()
    assert buyer.handle == f"deleted-{buyer.pk}"
    assert buyer.email == f"deleted-{buyer.pk}@erased.invalid"
    assert not buyer.is_active
    erasure = ErasureRequest.objects.get(member=buyer)
    assert erasure.reason == "store redact request"
    assert erasure.content == "anonymise" and erasure.status == ErasureStatus.DONE
    opening = topic.posts.get(number=1)
    assert opening.author_id is None and opening.body == "My tent review"
    assert Customer.objects.get().email == ""


def test_customer_redact_for_an_unlinked_customer_erases_no_account(client, store, other_member):
    post_shopify(client, "orders_create")  # no member verified jon@example.com
    assert Customer.objects.get().member is None

    post_shopify(client, "customers_redact")

    assert not ErasureRequest.objects.exists()
    other_member.refresh_from_db()
    assert other_member.is_active
