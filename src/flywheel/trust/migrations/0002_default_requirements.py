"""The default ladder, close to Discourse's; staff tune it in the admin (docs/rewards.md)."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    {
        "level": 0,
        "max_links_per_post": 2,
        "images_allowed": False,
        "daily_post_limit": 10,
        "flag_weight": Decimal("0.50"),
        "can_edit_wiki": False,
    },
    {
        "level": 1,
        "days_visited": 1,
        "topics_entered": 5,
        "posts_read": 30,
        "daily_post_limit": 50,
        "flag_weight": Decimal("1.00"),
        "can_edit_wiki": True,
    },
    {
        "level": 2,
        "days_visited": 15,
        "topics_entered": 20,
        "posts_read": 100,
        "replies": 3,
        "likes_given": 1,
        "likes_received": 1,
        "max_sanctions": 0,
        "daily_post_limit": 150,
        "flag_weight": Decimal("1.00"),
        "can_edit_wiki": True,
    },
    {
        "level": 3,
        "window_days": 100,
        "days_visited": 50,
        "topics_entered": 50,
        "posts_read": 250,
        "replies": 10,
        "likes_given": 30,
        "likes_received": 20,
        "verified_purchases": 1,
        "max_refunds": 3,
        "max_upheld_flags": 5,
        "max_sanctions": 0,
        "flag_weight": Decimal("1.50"),
        "can_edit_wiki": True,
    },
    {"level": 4, "flag_weight": Decimal("2.00"), "can_edit_wiki": True},
]


def install(apps, schema_editor):
    requirement = apps.get_model("trust", "TrustLevelRequirement")
    for row in DEFAULTS:
        fields = dict(row)
        requirement.objects.get_or_create(level=fields.pop("level"), defaults=fields)


def remove(apps, schema_editor):
    apps.get_model("trust", "TrustLevelRequirement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("trust", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
