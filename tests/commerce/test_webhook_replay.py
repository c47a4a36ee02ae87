"""A signed body proves only its bytes: replayed under another topic, for another shop, or
long after it was sent, it is refused before anything is stored (docs/stores.md)."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from flywheel.commerce.admin import REDACTED
from flywheel.commerce.models import Customer, PrivacyRequest, Store, WebhookDelivery
from flywheel.commerce.services import connect_store
from tests.commerce.webhook_helpers import (
    DOMAINS,
    SECRET,
    load,
    make_store,
    post,
    post_shopify,
    shopify_headers,
    woocommerce_headers,
)
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_store("shopify")


def resend(client, payload: dict, topic: str, *, triggered_at=None, drop=()):
    """Post a correctly signed body under the topic (and time) given."""
    body = json.dumps(payload).encode()
    headers = shopify_headers(body, topic)
    if triggered_at is not None:
        headers["HTTP_X_SHOPIFY_TRIGGERED_AT"] = triggered_at
    for name in drop:
        headers.pop(name)
    return post(client, "shopify", payload, headers, raw=body)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_signed_order_body_sent_as_customers_redact_erases_nobody(client, shop, caplog):
    assert post_shopify(client, "orders_create").status_code == 200
    customer = Customer.objects.get(external_id="115310627314723954")

    with caplog.at_level(logging.WARNING, logger="flywheel.security"):
        response = resend(client, load("shopify", "orders_create"), "customers/redact")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "payload_mismatch"
    customer.refresh_from_db()
    assert customer.redacted_at is None
    assert customer.email == "jon@example.com"
    assert not PrivacyRequest.objects.exists()
    assert WebhookDelivery.objects.filter(topic="customers/redact").count() == 0
    assert any("refused" in record.message for record in caplog.records)


@pytest.mark.parametrize(
    ("fixture", "topic"),
    [
        ("orders_create", "customers/delete"),
        ("customers_create", "customers/delete"),
        ("products_delete", "customers/delete"),  # {"id": n}: no Customer gid
        ("orders_create", "products/delete"),
        ("customers_delete", "products/delete"),
        ("orders_create", "shop/redact"),
        ("customers_redact", "shop/redact"),
        ("shop_redact", "customers/redact"),
        ("customers_data_request", "customers/redact"),
        ("customers_redact", "customers/data_request"),
        ("customers_create", "orders/create"),
        ("orders_create", "customers/update"),
        ("orders_create", "refunds/create"),
        ("products_create", "orders/updated"),
        ("refunds_create", "products/update"),
        ("orders_create", "app/uninstalled"),
    ],
)
def test_a_body_sent_under_another_topic_is_refused(client, shop, fixture, topic):
    response = resend(client, load("shopify", fixture), topic)

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "payload_mismatch"
    assert not WebhookDelivery.objects.exists()


def test_each_recorded_body_is_accepted_under_its_own_topic(client, shop):
    for fixture, topic in [
        ("customers_delete", "customers/delete"),
        ("products_delete", "products/delete"),
        ("customers_data_request", "customers/data_request"),
        ("customers_redact", "customers/redact"),
        ("app_uninstalled", "app/uninstalled"),
        ("shop_redact", "shop/redact"),
    ]:
        response = resend(client, load("shopify", fixture), topic)
        assert response.status_code == 200, (topic, response.json())


def test_a_gdpr_body_for_another_shop_is_refused(client, shop):
    connect_store(platform="shopify", domain="other-shop.myshopify.com", webhook_secret=SECRET)
    payload = load("shopify", "customers_redact")
    payload["shop_domain"] = "other-shop.myshopify.com"

    response = resend(client, payload, "customers/redact")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "shop_domain": [response.json()["error"]["message"]]
    }


def test_a_gdpr_body_with_another_shop_id_is_refused_when_the_id_is_known(client, shop):
    Store.objects.filter(pk=shop.pk).update(platform_store_id="954889")
    payload = load("shopify", "customers_redact")
    payload["shop_id"] = 1

    assert resend(client, payload, "customers/redact").status_code == 400
    payload["shop_id"] = 954889
    assert resend(client, payload, "customers/redact").status_code == 200


def test_app_uninstalled_for_another_shop_keeps_the_store_connected(client, shop):
    payload = load("shopify", "app_uninstalled")
    payload["myshopify_domain"] = "someone-else.myshopify.com"

    assert resend(client, payload, "app/uninstalled").status_code == 400
    shop.refresh_from_db()
    assert shop.active is True


def test_a_redact_sent_longer_ago_than_shopifys_retry_window_is_refused(client, shop):
    old = iso(datetime.now(UTC) - timedelta(hours=49))

    response = resend(
        client, load("shopify", "customers_redact"), "customers/redact", triggered_at=old
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stale_delivery"
    assert "X-Shopify-Triggered-At" in response.json()["error"]["fields"]
    assert not PrivacyRequest.objects.exists()


def test_an_order_retried_within_the_window_is_accepted(client, shop):
    recent = iso(datetime.now(UTC) - timedelta(hours=47))

    assert (
        resend(
            client, load("shopify", "orders_create"), "orders/create", triggered_at=recent
        ).status_code
        == 200
    )


def test_a_delivery_from_the_future_and_an_unreadable_time_are_refused(client, shop):
    future = iso(datetime.now(UTC) + timedelta(hours=2))
    payload = load("shopify", "orders_create")

    assert resend(client, payload, "orders/create", triggered_at=future).status_code == 400
    assert resend(client, payload, "orders/create", triggered_at="yesterday").status_code == 400


def test_a_destructive_topic_must_say_when_it_was_sent(client, shop):
    response = resend(
        client,
        load("shopify", "shop_redact"),
        "shop/redact",
        drop=["HTTP_X_SHOPIFY_TRIGGERED_AT"],
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stale_delivery"


def test_the_same_redact_under_a_fresh_event_id_is_a_duplicate(client, shop):
    payload = load("shopify", "customers_redact")

    first = resend(client, payload, "customers/redact")
    second = resend(client, payload, "customers/redact")

    assert first.json()["status"] == "accepted"
    assert second.json()["status"] == "duplicate"
    assert PrivacyRequest.objects.count() == 1


def test_signatures_are_not_stored_and_old_ones_are_not_shown_in_the_admin(client, shop):
    post_shopify(client, "orders_create")
    delivery = WebhookDelivery.objects.get()
    assert not any("hmac" in name.lower() for name in delivery.headers)
    # A row stored by an earlier version, with the signature among its headers.
    leaked = "c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3Qtc2hvdw=="
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        headers={**delivery.headers, "X-Shopify-Hmac-Sha256": leaked}
    )
    client.force_login(AdminFactory())

    page = client.get(reverse("admin:commerce_webhookdelivery_change", args=[delivery.pk]))

    assert page.status_code == 200
    assert leaked not in page.content.decode()
    assert REDACTED in page.content.decode()
    assert "X-Shopify-Topic" in page.content.decode()


# --- WooCommerce ---------------------------------------------------------------------------


@pytest.fixture
def woo(db):
    return make_store("woocommerce")


def woo_resend(client, payload, topic, **header_changes):
    body = json.dumps(payload).encode()
    headers = {**woocommerce_headers(body, topic), **header_changes}
    return post(client, "woocommerce", payload, headers, raw=body)


def test_a_woocommerce_order_body_sent_as_customer_deleted_is_refused(client, woo):
    response = woo_resend(client, load("woocommerce", "order_created"), "customer.deleted")

    assert response.status_code == 400
    assert not WebhookDelivery.objects.exists()
    assert not Customer.objects.filter(deleted_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("fixture", "topic"),
    [
        ("customer_created", "order.updated"),
        ("order_created", "customer.updated"),
        ("order_created", "product.updated"),
        ("product_created", "customer.created"),
        ("customer_created", "product.deleted"),
    ],
)
def test_a_woocommerce_body_under_another_topic_is_refused(client, woo, fixture, topic):
    assert woo_resend(client, load("woocommerce", fixture), topic).status_code == 400


def test_a_woocommerce_deleted_resource_is_just_its_id(client, woo):
    assert woo_resend(client, {"id": 25}, "customer.deleted").status_code == 200


def test_woocommerce_resource_headers_must_agree_with_the_topic(client, woo):
    response = woo_resend(
        client,
        load("woocommerce", "order_created"),
        "order.created",
        HTTP_X_WC_WEBHOOK_RESOURCE="customer",
    )

    assert response.status_code == 400
    assert "X-WC-Webhook-Resource" in response.json()["error"]["fields"]


def test_a_woocommerce_body_linking_to_another_shop_is_refused(client, woo):
    payload = load("woocommerce", "order_created")
    payload["_links"] = {"self": [{"href": "https://elsewhere.example/wp-json/wc/v3/orders/1"}]}

    assert woo_resend(client, payload, "order.created").status_code == 400
    payload["_links"] = {
        "self": [{"href": f"https://{DOMAINS['woocommerce']}/wp-json/wc/v3/orders/1"}]
    }
    assert woo_resend(client, payload, "order.created").status_code == 200


# --- BigCommerce ---------------------------------------------------------------------------


@pytest.fixture
def bigcommerce(db):
    return make_store("bigcommerce", platform_store_id="abc123")


def bc_post(client, payload, *, named=True):
    headers = {"HTTP_X_FLYWHEEL_WEBHOOK_SECRET": SECRET}
    if named:
        headers["HTTP_X_FLYWHEEL_STORE"] = DOMAINS["bigcommerce"]
    return post(client, "bigcommerce", payload, headers)


def test_a_bigcommerce_notification_for_another_store_hash_is_refused(client, bigcommerce):
    payload = load("bigcommerce", "order_created")
    payload["producer"] = "stores/zzz999"

    response = bc_post(client, payload)

    assert response.status_code == 400
    assert "producer" in response.json()["error"]["fields"]


def test_a_bigcommerce_notification_older_than_48_hours_is_refused(client, bigcommerce):
    payload = load("bigcommerce", "order_created")
    payload["created_at"] = int((datetime.now(UTC) - timedelta(hours=49)).timestamp())

    response = bc_post(client, payload)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stale_delivery"


def test_a_bigcommerce_delete_must_say_when_it_was_sent(client, bigcommerce):
    payload = load("bigcommerce", "order_created")
    payload.update(scope="store/customer/deleted", data={"type": "customer", "id": 11})
    del payload["created_at"]

    assert bc_post(client, payload).status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"type": "product", "id": 250},
        {"type": "order", "id": "250; drop"},
        {"type": "order", "id": 10**30},
        {"type": "order", "id": True},
        "not an object",
    ],
)
def test_a_bigcommerce_notification_must_name_a_resource_of_its_scope(client, bigcommerce, data):
    payload = load("bigcommerce", "order_created")
    payload["data"] = data

    assert bc_post(client, payload).status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_the_store_is_found_by_producer_without_parsing_an_unauthenticated_body(
    client, bigcommerce
):
    payload = load("bigcommerce", "order_created")

    wrong = post(
        client, "bigcommerce", payload, {"HTTP_X_FLYWHEEL_WEBHOOK_SECRET": "not-the-secret"}
    )
    unnamed = post(client, "bigcommerce", None, {}, raw=b"[" * 100_000)

    assert wrong.status_code == 401
    assert unnamed.status_code == 404
