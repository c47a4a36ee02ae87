"""The review verb is `review_published` (core.models.Verb); rules stored under the name the
defaults once used (`review_created`) are renamed so they fire when reviews are published."""

from django.db import migrations


def rename_forward(apps, schema_editor):
    apps.get_model("rewards", "Rule").objects.filter(verb="review_created").update(
        verb="review_published"
    )


def rename_backward(apps, schema_editor):
    apps.get_model("rewards", "Rule").objects.filter(verb="review_published").update(
        verb="review_created"
    )


class Migration(migrations.Migration):
    dependencies = [("rewards", "0004_standing_discount")]

    operations = [migrations.RunPython(rename_forward, rename_backward)]
