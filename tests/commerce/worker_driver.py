"""Run in a subprocess by test_worker_crash.py: stores N order deliveries through the real
inbox service, whose on-commit hook puts one process_delivery task each on the broker."""

import copy
import json
import sys
from pathlib import Path

import django


def seed(count: int) -> None:
    from flywheel.commerce.models import Store
    from flywheel.commerce.services import connect_store, record_delivery

    fixture = Path(__file__).resolve().parent.parent / "fixtures/commerce/shopify"
    template = json.loads((fixture / "orders_create.json").read_text())
    store, _created = connect_store(
        platform="shopify", domain="crash-test.myshopify.com", webhook_secret="s"
    )
    assert Store.objects.count() == 1
    for number in range(count):
        payload = copy.deepcopy(template)
        payload["id"] = 5000 + number
        payload["name"] = f"#{5000 + number}"
        payload["customer"]["id"] = 9000 + number % 7
        record_delivery(
            store=store,
            topic="orders/create",
            event_id=f"evt-{number}",
            body=json.dumps(payload),
            headers={},
            known_topic=True,
        )


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
