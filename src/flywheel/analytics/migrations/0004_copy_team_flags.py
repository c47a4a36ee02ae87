"""Member-days and months written before `is_team` existed take it from the member facts."""

from django.db import migrations


def copy_team_flags(apps, schema_editor):
    MemberFact = apps.get_model("analytics", "MemberFact")
    team = MemberFact.objects.filter(is_team=True).values("member_id")
    for name in ("MemberDay", "MemberMonth"):
        apps.get_model("analytics", name).objects.filter(member_id__in=team).update(is_team=True)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_console_additions")]

    operations = [migrations.RunPython(copy_team_flags, migrations.RunPython.noop)]
