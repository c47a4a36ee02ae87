"""Data: encrypt the store secrets already stored in plain text (reversible: decrypt).

The fields are still plain TextFields in this migration's state, so reads and writes here see
the raw column. Rows that are already encrypted (a re-run) are left alone.
"""

from django.db import migrations

from flywheel.core.encryption import decrypt, encrypt, is_encrypted

SECRET_FIELDS = ("webhook_secret", "api_token")


def encrypt_secrets(apps, schema_editor):
    Store = apps.get_model("commerce", "Store")
    for store in Store.objects.only("pk", *SECRET_FIELDS):
        changes = {
            name: encrypt(getattr(store, name))
            for name in SECRET_FIELDS
            if getattr(store, name) and not is_encrypted(getattr(store, name))
        }
        if changes:
            Store.objects.filter(pk=store.pk).update(**changes)


def decrypt_secrets(apps, schema_editor):
    Store = apps.get_model("commerce", "Store")
    for store in Store.objects.only("pk", *SECRET_FIELDS):
        changes = {
            name: decrypt(getattr(store, name), what=f"commerce.Store.{name}")
            for name in SECRET_FIELDS
            if getattr(store, name) and is_encrypted(getattr(store, name))
        }
        if changes:
            Store.objects.filter(pk=store.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0003_store_secrets_as_text"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
