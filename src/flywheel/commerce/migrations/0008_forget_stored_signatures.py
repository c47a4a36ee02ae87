"""Drop the signature headers earlier versions stored with each delivery (they were checked
on arrival; kept, they only help someone who reads the inbox). Data only; nothing to undo."""

from django.db import migrations

SIGNATURE_HEADERS = ("X-Shopify-Hmac-Sha256", "X-WC-Webhook-Signature")


def forget_signatures(apps, schema_editor):
    WebhookDelivery = apps.get_model("commerce", "WebhookDelivery")
    deliveries = WebhookDelivery.objects.filter(platform__in=["shopify", "woocommerce"]).only(
        "pk", "headers"
    )
    for delivery in deliveries.iterator(chunk_size=1000):
        headers = delivery.headers if isinstance(delivery.headers, dict) else {}
        if any(name in headers for name in SIGNATURE_HEADERS):
            kept = {k: v for k, v in headers.items() if k not in SIGNATURE_HEADERS}
            WebhookDelivery.objects.filter(pk=delivery.pk).update(headers=kept)


class Migration(migrations.Migration):
    dependencies = [("commerce", "0007_delivery_customer_and_redaction")]

    operations = [migrations.RunPython(forget_signatures, migrations.RunPython.noop)]
