"""The referral benchmark's baseline task: read the order by id and store one row, through the
same broker and worker as the attribution it is compared with (bench/referrals.py). Loaded
only where bench.baseline is installed (bench/referral_settings.py)."""

from celery import shared_task


@shared_task(name="bench.baseline.read_order")
def read_order(order_id: int) -> None:
    from bench.baseline.models import BenchBody
    from flywheel.commerce.models import Order

    order = Order.objects.filter(pk=order_id).values_list("email", flat=True).first()
    BenchBody.objects.create(body=f"{order_id}:{order}")
