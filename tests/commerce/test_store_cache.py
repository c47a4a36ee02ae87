"""The webhook endpoints keep connected stores in memory: one read per process, and a
changed secret is honoured at once (here) or within the recheck interval (elsewhere)."""

import json
import uuid

import pytest
from django.core.cache import cache

from flywheel.commerce.models import Store, WebhookDelivery
from flywheel.commerce.queries import STORE_VERSION_KEY
from flywheel.commerce.services import connect_store
from tests.commerce.webhook_helpers import DOMAINS, SECRET, make_store, post, shopify_headers

pytestmark = pytest.mark.django_db

NEW_SECRET = "whsec_rotated_9876543210"
# Recorded and answered 200 "ignored", so no processing queries muddle the counts.
UNHANDLED_TOPIC = "orders/edited"


@pytest.fixture
def store(db):
    return make_store("shopify")


def post_unhandled(client, *, secret=SECRET):
    body = json.dumps({"id": uuid.uuid4().int % 10**9}).encode()
    headers = shopify_headers(body, UNHANDLED_TOPIC, secret=secret)
    return post(client, "shopify", None, headers, raw=body)


def test_later_deliveries_do_not_read_the_store_again(client, store, django_assert_num_queries):
    # The inbox row is written in a savepoint here (the test's transaction is open); in
    # production it is one autocommitted INSERT.
    with django_assert_num_queries(4):  # the store; savepoint, inbox row, release
        assert post_unhandled(client).status_code == 200

    with django_assert_num_queries(3):  # savepoint, inbox row, release
        assert post_unhandled(client).status_code == 200


def test_a_rotated_secret_refuses_the_old_signature_at_once(client, store):
    assert post_unhandled(client).status_code == 200

    connect_store(platform="shopify", domain=DOMAINS["shopify"], webhook_secret=NEW_SECRET)

    refused = post_unhandled(client)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "bad_signature"
    assert WebhookDelivery.objects.count() == 1
    assert post_unhandled(client, secret=NEW_SECRET).status_code == 200


def test_a_secret_saved_in_the_admin_form_way_takes_effect_at_once(client, store):
    assert post_unhandled(client).status_code == 200
    # What the admin's StoreForm does: set the field, save the row.
    row = Store.objects.get(pk=store.pk)
    row.webhook_secret = NEW_SECRET
    row.save()

    assert post_unhandled(client).status_code == 401
    assert post_unhandled(client, secret=NEW_SECRET).status_code == 200


def test_a_deleted_store_is_unknown_at_once(client, store):
    assert post_unhandled(client).status_code == 200

    Store.objects.filter(pk=store.pk).delete()

    assert post_unhandled(client).status_code == 404


def test_a_secret_changed_by_another_process_is_honoured_when_the_shared_stamp_changes(
    client, store, settings
):
    settings.FLYWHEEL_WEBHOOK_STORE_RECHECK_SECONDS = 0
    assert post_unhandled(client).status_code == 200
    # Another process saved the store: this one saw no save, only the stamp it changed.
    Store.objects.filter(pk=store.pk).update(webhook_secret=NEW_SECRET)
    cache.set(STORE_VERSION_KEY, "stamp-from-another-process", timeout=None)

    assert post_unhandled(client).status_code == 401
    assert post_unhandled(client, secret=NEW_SECRET).status_code == 200
