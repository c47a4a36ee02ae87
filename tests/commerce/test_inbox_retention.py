"""Stored raw bodies hold names, phones and addresses: an erasure blanks them, and the inbox
keeps deliveries only for its retention window (docs/stores.md, "Retention")."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from flywheel.commerce.models import DeliveryStatus, PrivacyRequest, WebhookDelivery
from flywheel.commerce.services import prune_webhook_deliveries
from flywheel.privacy.services import erase_member
from tests.commerce.webhook_helpers import load, make_store, post_shopify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JON = "115310627314723954"


@pytest.fixture
def store(db):
    return make_store("shopify")


def someone_else_order() -> dict:
    payload = load("shopify", "orders_create")
    payload.update(id=555, email="ada@example.org", contact_email="ada@example.org")
    payload["customer"] = {**payload["customer"], "id": 777, "email": "ada@example.org"}
    return payload


def test_each_delivery_records_the_customer_it_is_about(client, store):
    post_shopify(client, "customers_create")
    post_shopify(client, "orders_create")
    post_shopify(client, "products_create")

    by_topic = dict(WebhookDelivery.objects.values_list("topic", "customer_external_id"))
    assert by_topic == {"customers/create": JON, "orders/create": JON, "products/create": ""}


def test_customers_redact_blanks_every_stored_body_about_the_customer(client, store):
    post_shopify(client, "customers_create")
    post_shopify(client, "orders_create")
    post_shopify(client, "orders_create", payload=someone_else_order())
    post_shopify(client, "customers_data_request")

    post_shopify(client, "customers_redact")

    for delivery in WebhookDelivery.objects.exclude(customer_external_id="777"):
        assert "jon@example.com" not in delivery.body.lower(), delivery.topic
        assert "+15550100" not in delivery.body, delivery.topic
        assert delivery.redacted_at is not None
    other = WebhookDelivery.objects.get(customer_external_id="777")
    assert "ada@example.org" in other.body and other.redacted_at is None
    request = PrivacyRequest.objects.get(kind="data_request")
    assert request.export == {}


def test_a_delivery_not_yet_applied_when_its_customer_is_erased_is_never_applied(client, store):
    from django.test import Client

    # Stored without its processing task (a plain client runs no on-commit callbacks).
    assert post_shopify(Client(), "customers_create").status_code == 200
    post_shopify(client, "customers_redact")

    pending = WebhookDelivery.objects.get(topic="customers/create")
    assert pending.status == DeliveryStatus.IGNORED
    assert pending.body == "{}"


def test_member_erasure_blanks_the_bodies_of_their_linked_customer(client, store):
    member = UserFactory(email="jon@example.com")
    EmailAddress.objects.create(user=member, email="jon@example.com", verified=True)
    post_shopify(client, "orders_create")
    post_shopify(client, "orders_create", payload=someone_else_order())

    erase_member(member, reason="test")

    bodies = list(WebhookDelivery.objects.order_by("pk").values_list("body", flat=True))
    assert "jon@example.com" not in bodies[0].lower()
    assert "ada@example.org" in bodies[1]


def test_shop_redact_blanks_every_body_of_the_shop(client, store):
    post_shopify(client, "orders_create")
    post_shopify(client, "orders_create", payload=someone_else_order())

    post_shopify(client, "shop_redact")

    assert not WebhookDelivery.objects.filter(body__contains="@example").exists()


def _age(delivery_id: int, days: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        received_at=timezone.now() - timedelta(days=days)
    )


def test_processed_deliveries_age_out_and_dead_ones_are_kept_longer(client, store, settings):
    settings.FLYWHEEL_WEBHOOK_RETENTION_DAYS = 30
    settings.FLYWHEEL_WEBHOOK_DEAD_RETENTION_DAYS = 90
    ids = []
    for index in range(5):
        post_shopify(client, "products_create", id=1000 + index)
        ids.append(WebhookDelivery.objects.latest("pk").pk)
    old_done, recent_done, dead_60, dead_100, failed_100 = ids
    _age(old_done, 31)
    _age(recent_done, 29)
    WebhookDelivery.objects.filter(pk__in=[dead_60, dead_100]).update(status=DeliveryStatus.DEAD)
    WebhookDelivery.objects.filter(pk=failed_100).update(status=DeliveryStatus.FAILED)
    _age(dead_60, 60)
    _age(dead_100, 100)
    _age(failed_100, 100)

    counts = prune_webhook_deliveries()

    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {recent_done, dead_60}
    assert counts["processed_deleted"] == 1
    assert counts["dead_deleted"] == 2


def test_retention_never_drops_below_the_replay_horizon(client, store, settings):
    settings.FLYWHEEL_WEBHOOK_RETENTION_DAYS = 0
    post_shopify(client, "products_create")
    _age(WebhookDelivery.objects.get().pk, 2)

    prune_webhook_deliveries()

    assert WebhookDelivery.objects.count() == 1


def test_a_late_copy_arriving_after_the_erasure_is_blanked_by_the_daily_task(client, store):
    post_shopify(client, "customers_create")
    post_shopify(client, "customers_redact")
    # Shopify retries the same event under a new delivery; its body is stored on arrival.
    post_shopify(client, "customers_create")
    late = WebhookDelivery.objects.filter(topic="customers/create").latest("pk")
    assert "+15550100" in late.body

    counts = prune_webhook_deliveries()

    assert counts["blanked_after_erasure"] == 1
    late.refresh_from_db()
    assert late.body == "{}"


def test_a_blanked_delivery_is_not_replayed(client, store):
    from flywheel.commerce.services import replay_deliveries

    post_shopify(client, "orders_create")
    post_shopify(client, "customers_redact")

    assert replay_deliveries(WebhookDelivery.objects.filter(topic="orders/create")) == 0
