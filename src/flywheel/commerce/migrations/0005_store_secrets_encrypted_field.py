"""State only: the columns now hold Fernet tokens, read and written by EncryptedTextField."""

from django.db import migrations

import flywheel.core.encryption


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0004_encrypt_store_secrets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="store",
            name="webhook_secret",
            field=flywheel.core.encryption.EncryptedTextField(verbose_name="webhook secret"),
        ),
        migrations.AlterField(
            model_name="store",
            name="api_token",
            field=flywheel.core.encryption.EncryptedTextField(blank=True, verbose_name="API token"),
        ),
    ]
