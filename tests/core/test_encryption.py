"""Store secrets are encrypted at rest; keys come from the environment and rotate."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from flywheel.commerce.models import Store
from flywheel.core.encryption import SecretDecryptionError, check_encryption_keys, derive_key

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw(store: Store) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT webhook_secret, api_token FROM commerce_store WHERE id = %s", [store.pk]
        )
        secret, token = cursor.fetchone()
    return {"webhook_secret": secret, "api_token": token}


def _store(**fields) -> Store:
    values = {"platform": "shopify", "domain": "trail.myshopify.com", "webhook_secret": "whsec_1"}
    return Store.objects.create(**{**values, **fields})


def test_the_database_holds_ciphertext_and_the_store_reads_plaintext(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    store = _store(api_token="shpat_plain")

    raw = _raw(store)
    assert "whsec_1" not in raw["webhook_secret"] and "shpat_plain" not in raw["api_token"]
    assert Fernet(KEY_A.encode()).decrypt(raw["api_token"].encode()) == b"shpat_plain"
    fresh = Store.objects.get(pk=store.pk)
    assert (fresh.webhook_secret, fresh.api_token) == ("whsec_1", "shpat_plain")


def test_an_empty_token_stays_empty_so_stores_without_one_can_be_found(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    with_token = _store(api_token="t", domain="a.myshopify.com")
    _store(api_token="", domain="b.myshopify.com")

    assert list(Store.objects.exclude(api_token="")) == [with_token]


def test_lookups_that_cannot_work_on_ciphertext_are_refused():
    with pytest.raises(FieldError, match="encrypted"):
        list(Store.objects.filter(api_token__startswith="shpat"))


def test_rotate_re_encrypts_every_secret_with_the_first_key(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    store = _store(api_token="shpat_plain")
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = StringIO()

    call_command("secrets", "rotate", stdout=out)

    assert "commerce.Store.webhook_secret: 1 re-encrypted" in out.getvalue()
    raw = _raw(store)
    assert Fernet(KEY_B.encode()).decrypt(raw["webhook_secret"].encode()) == b"whsec_1"
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_B]  # the old key can go now
    assert Store.objects.get(pk=store.pk).api_token == "shpat_plain"


def test_dropping_a_key_before_rotating_is_a_clear_error(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    store = _store()
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_B]

    with pytest.raises(SecretDecryptionError, match="commerce.Store.webhook_secret"):
        Store.objects.get(pk=store.pk)


def test_without_keys_the_key_comes_from_secret_key_and_moving_to_keys_is_one_rotate(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = []
    store = _store()
    derived = Fernet(derive_key(settings.SECRET_KEY))
    assert derived.decrypt(_raw(store)["webhook_secret"].encode()) == b"whsec_1"

    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    assert Store.objects.get(pk=store.pk).webhook_secret == "whsec_1"  # still readable
    call_command("secrets", "rotate", stdout=StringIO())

    assert Fernet(KEY_A.encode()).decrypt(_raw(store)["webhook_secret"].encode()) == b"whsec_1"


def test_a_malformed_key_names_its_position(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A, "not-a-key"]

    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key"):
        _store()


def test_generate_key_prints_a_usable_key():
    out = StringIO()
    call_command("secrets", "generate-key", stdout=out)

    Fernet(out.getvalue().strip().encode())  # raises if it is not a key


def test_deploy_check_warns_until_keys_are_set(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = []
    assert [message.id for message in check_encryption_keys()] == ["flywheel.W001"]
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    assert check_encryption_keys() == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_reverses(settings):
    settings.FLYWHEEL_ENCRYPTION_KEYS = [KEY_A]
    before, after = (
        ("commerce", "0003_store_secrets_as_text"),
        ("commerce", "0005_store_secrets_encrypted_field"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_store = executor.loader.project_state([before]).apps.get_model("commerce", "Store")
    row = old_store.objects.create(
        platform="shopify", domain="old.myshopify.com", webhook_secret="plain", api_token=""
    )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([after])
        store = Store.objects.get(pk=row.pk)
        assert store.webhook_secret == "plain"
        assert _raw(store)["webhook_secret"] != "plain" and _raw(store)["api_token"] == ""

        executor = MigrationExecutor(connection)
        executor.migrate([before])
        assert _raw(store)["webhook_secret"] == "plain"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
