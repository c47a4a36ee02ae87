"""The reviews app logs `has_photos` (as the photo-reviewer badge reads it); rules installed
with the defaults' old condition key `has_photo` are moved to it so the photo bonus fires."""

from django.db import migrations


def _swap(apps, old: str, new: str) -> None:
    Rule = apps.get_model("rewards", "Rule")
    for rule in Rule.objects.filter(verb="review_published"):
        keys = (rule.conditions or {}).get("payload_truthy")
        if isinstance(keys, list) and old in keys:
            rule.conditions["payload_truthy"] = [new if key == old else key for key in keys]
            rule.save(update_fields=["conditions"])


def forward(apps, schema_editor):
    _swap(apps, "has_photo", "has_photos")


def backward(apps, schema_editor):
    _swap(apps, "has_photos", "has_photo")


class Migration(migrations.Migration):
    dependencies = [("rewards", "0005_review_published_verb")]

    operations = [migrations.RunPython(forward, backward)]
