"""`flywheel commerce connect|replay` and the admin's dead-letter list."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from flywheel.commerce.models import DeliveryStatus, Order, Store, WebhookDelivery
from tests.commerce.webhook_helpers import SECRET, make_store, post_shopify
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("commerce", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stdin(monkeypatch):
    """What the command reads on standard input (a pipe, not a terminal)."""

    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", StringIO(text))

    monkeypatch.delenv("FLYWHEEL_STORE_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("FLYWHEEL_STORE_API_TOKEN", raising=False)
    feed("")
    return feed


def test_connect_reads_secrets_from_stdin_creates_a_store_then_updates_it_in_place(stdin):
    stdin("s1\nt1\n")
    output = run(
        "connect", "--platform", "shopify", "--domain", "https://Trail-Gear.myshopify.com/"
    )
    assert "Connected" in output
    stdin("s2\n")
    output = run("connect", "--platform", "shopify", "--domain", "trail-gear.myshopify.com")

    assert "Updated" in output
    store = Store.objects.get()
    assert store.domain == "trail-gear.myshopify.com"
    assert store.webhook_secret == "s2"
    assert store.api_token == "t1"  # not given the second time: kept
    assert "s2" not in output


def test_connect_reads_secrets_from_the_environment(stdin, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_STORE_WEBHOOK_SECRET", "env-secret")
    monkeypatch.setenv("FLYWHEEL_STORE_API_TOKEN", "env-token")

    run("connect", "--platform", "shopify", "--domain", "trail-gear.myshopify.com")

    store = Store.objects.get()
    assert (store.webhook_secret, store.api_token) == ("env-secret", "env-token")


@pytest.mark.parametrize("flag", ["--secret", "--api-token"])
def test_connect_refuses_secrets_given_as_arguments_and_says_where_they_go(stdin, flag):
    stdin("s1\n")

    with pytest.raises(CommandError, match="standard input") as refused:
        run("connect", "--platform", "shopify", "--domain", "a.myshopify.com", flag, "visible")

    assert "FLYWHEEL_STORE_WEBHOOK_SECRET" in str(refused.value)
    assert "visible" not in str(refused.value)
    assert Store.objects.count() == 0


def test_connect_without_a_secret_says_how_to_give_one(stdin):
    with pytest.raises(CommandError, match="secret: A webhook secret is required. Pipe it"):
        run("connect", "--platform", "shopify", "--domain", "a.myshopify.com")
    assert Store.objects.count() == 0


def test_connect_reads_the_bigcommerce_store_hash_from_the_domain(stdin):
    stdin("s\n")
    run("connect", "--platform", "bigcommerce", "--domain", "store-abc123.mybigcommerce.com")

    assert Store.objects.get().platform_store_id == "abc123"


def test_connect_names_a_bad_platform(stdin):
    stdin("s\n")
    with pytest.raises(CommandError, match="platform: Unknown platform etsy"):
        run("connect", "--platform", "etsy", "--domain", "shop.example.com")
    assert Store.objects.count() == 0


@pytest.mark.parametrize("domain", ["not a domain", "localhost", "shop..example.com", ""])
def test_connect_names_a_bad_domain(stdin, domain):
    stdin("s\n")
    with pytest.raises(CommandError, match="domain"):
        run("connect", "--platform", "shopify", "--domain", domain)
    assert Store.objects.count() == 0


def dead_delivery(client):
    """A stored delivery on the dead-letter list, its order not applied (the state the task
    leaves after its last failed retry)."""
    post_shopify(client, "orders_create")
    delivery = WebhookDelivery.objects.get()
    Order.objects.all().delete()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD, last_error="StoreServerError('503')"
    )
    return delivery


def test_replay_dead_processes_the_dead_letters_again(client, django_capture_on_commit_callbacks):
    make_store("shopify")
    delivery = dead_delivery(client)

    with django_capture_on_commit_callbacks(execute=True):
        output = run("replay", "--dead")

    assert "Queued 1" in output
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSED
    assert Order.objects.count() == 1


def test_replay_of_an_unknown_id_is_a_clear_error(client):
    with pytest.raises(CommandError, match="No delivery with id 999"):
        run("replay", "--id", "999")


def test_replay_needs_an_id_or_dead():
    with pytest.raises(CommandError):
        run("replay")


def test_the_admin_lists_dead_deliveries_and_replays_them(
    client, django_capture_on_commit_callbacks
):
    make_store("shopify")
    delivery = dead_delivery(client)
    admin = AdminFactory()
    client.force_login(admin)

    listing = client.get("/admin/commerce/webhookdelivery/?status__exact=dead")
    assert listing.status_code == 200
    assert "orders/create" in listing.content.decode()

    client.post(
        "/admin/commerce/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
    )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSED
    assert Order.objects.count() == 1


def test_the_admin_never_renders_store_secrets(client):
    store = make_store("shopify", api_token="shpat_secret_token")
    client.force_login(AdminFactory())

    page = client.get(f"/admin/commerce/store/{store.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html
    assert "shpat_secret_token" not in html


def test_members_cannot_open_the_deliveries_admin(client, member):
    client.force_login(member)

    response = client.get("/admin/commerce/webhookdelivery/")

    assert response.status_code == 302


def test_stored_delivery_bodies_are_the_raw_json(client):
    make_store("shopify")
    post_shopify(client, "orders_create")

    assert json.loads(WebhookDelivery.objects.get().body)["name"] == "#1001"
