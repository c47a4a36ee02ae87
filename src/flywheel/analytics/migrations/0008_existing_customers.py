"""The existing-customer facts of the customer-days and the commerce summaries' per-day
counts of them (member_value_comparison reads these instead of the whole order history).

Rows written before these columns existed are filled here from the customer-days themselves
(UPDATE … FROM: PostgreSQL, and SQLite 3.33 and later), so no rebuild is needed."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count

FILL_SQL = [
    # The customer's first counting order day, any currency, on every row.
    """UPDATE analytics_customerday SET customer_since = firsts.since
       FROM (SELECT customer_id, MIN(day) AS since FROM analytics_customerday
             GROUP BY customer_id) AS firsts
       WHERE firsts.customer_id = analytics_customerday.customer_id""",
    # The first row of each currency.
    """UPDATE analytics_customerday SET first_in_currency = (analytics_customerday.day = f.first)
       FROM (SELECT customer_id, currency, MIN(day) AS first FROM analytics_customerday
             GROUP BY customer_id, currency) AS f
       WHERE f.customer_id = analytics_customerday.customer_id
         AND f.currency = analytics_customerday.currency""",
    # A member's customer: existing from the later of customer_since and joining; counted in
    # the summaries on the later of its first day in the currency and joining.
    """UPDATE analytics_customerday SET
           member_customer_since = CASE WHEN f.joined_on > analytics_customerday.customer_since
               THEN f.joined_on ELSE analytics_customerday.customer_since END,
           member_counted_on = CASE WHEN NOT analytics_customerday.first_in_currency THEN NULL
               WHEN f.joined_on > analytics_customerday.day THEN f.joined_on
               ELSE analytics_customerday.day END
       FROM analytics_memberfact AS f
       WHERE f.member_id = analytics_customerday.member_id""",
]


def fill_existing_customers(apps, schema_editor):
    CustomerDay = apps.get_model("analytics", "CustomerDay")
    CommerceDaySummary = apps.get_model("analytics", "CommerceDaySummary")
    if not CustomerDay.objects.exists():
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in FILL_SQL:
            cursor.execute(sql)
    firsts = (
        CustomerDay.objects.filter(first_in_currency=True)
        .values_list("currency", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    members = (
        CustomerDay.objects.filter(member_counted_on__isnull=False)
        .values_list("currency", "member_counted_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict = {}
    for field, rows in (("new_customers", firsts), ("new_member_customers", members)):
        for currency, day, n in rows:
            counts.setdefault((currency, day), {})[field] = n
    changed = []
    for row in CommerceDaySummary.objects.exclude(currency="").iterator(chunk_size=2000):
        values = counts.get((row.currency, row.day), {})
        row.new_customers = values.get("new_customers", 0)
        row.new_member_customers = values.get("new_member_customers", 0)
        if row.new_customers or row.new_member_customers:
            changed.append(row)
    CommerceDaySummary.objects.bulk_update(
        changed, ["new_customers", "new_member_customers"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_summaries_and_segments"),
        ("commerce", "0011_order_email_upper_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="commercedaysummary",
            name="new_customers",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="commercedaysummary",
            name="new_member_customers",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="customerday",
            name="customer_since",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="customerday",
            name="first_in_currency",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="customerday",
            name="member_counted_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="customerday",
            name="member_customer_since",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="customerday",
            index=models.Index(
                condition=models.Q(("member_counted_on__isnull", False)),
                fields=["member_counted_on", "currency"],
                name="analytics_customerday_counted",
            ),
        ),
        migrations.RunPython(fill_existing_customers, migrations.RunPython.noop),
    ]
