"""Member facts record the time zone their member's local days were computed in; facts
written before take the member's zone now (what their rows were computed with, unless the
zone changed since, which only a rebuild caught before)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_zones(apps, schema_editor):
    MemberFact = apps.get_model("analytics", "MemberFact")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    MemberFact.objects.update(
        timezone=Subquery(User.objects.filter(pk=OuterRef("member_id")).values("timezone")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0009_segment_and_period_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="memberfact",
            name="timezone",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(copy_zones, migrations.RunPython.noop),
    ]
