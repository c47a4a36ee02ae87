# Segment pushes are delivered as core.OutboundMessage: each existing push gets a message
# carrying its delivery state (pending ones are then sent by the core's sweep).

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

KIND = "analytics.segment_push"
STATES = {"pending": "pending", "delivered": "delivered", "dead": "dead"}


def to_outbound(apps, schema_editor):
    SegmentPush = apps.get_model("analytics", "SegmentPush")
    OutboundMessage = apps.get_model("core", "OutboundMessage")
    for push in SegmentPush.objects.filter(message__isnull=True):
        message = OutboundMessage.objects.create(
            kind=KIND,
            payload={"push_id": push.pk},
            dedupe_key=f"segment-push-{push.pk}",
            throttle_key="segment-webhook",
            state=STATES.get(push.status, "pending"),
            attempts=push.attempts if push.status != "pending" else 0,
            last_error=push.last_error,
            created_at=push.created_at,
            next_attempt_at=timezone.now() if push.status == "pending" else None,
            delivered_at=push.delivered_at,
        )
        push.message = message
        push.save(update_fields=["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_day_summary"),
        ("core", "0008_outbound_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="segmentpush",
            name="message",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.outboundmessage",
            ),
        ),
        migrations.RunPython(to_outbound, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="segmentpush", name="analytics_push_due"),
        migrations.RemoveField(model_name="segmentpush", name="attempts"),
        migrations.RemoveField(model_name="segmentpush", name="delivered_at"),
        migrations.RemoveField(model_name="segmentpush", name="last_error"),
        migrations.RemoveField(model_name="segmentpush", name="next_attempt_at"),
        migrations.RemoveField(model_name="segmentpush", name="status"),
    ]
