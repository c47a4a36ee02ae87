"""Schema: store secrets become text columns, long enough for their encrypted form."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0002_sync_cursor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="store",
            name="webhook_secret",
            field=models.TextField(verbose_name="webhook secret"),
        ),
        migrations.AlterField(
            model_name="store",
            name="api_token",
            field=models.TextField(blank=True, verbose_name="API token"),
        ),
    ]
