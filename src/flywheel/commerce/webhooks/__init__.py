"""Inbound webhooks, one module per platform.

Each platform module provides the same small interface:

- ``store_lookup(headers, payload) -> dict | None``: Store lookup kwargs (None: unknown);
- ``verify(store=, body=, headers=) -> bool``: the delivery really comes from the shop;
- ``read_delivery(headers, payload, body) -> IncomingDelivery``: topic and event id;
- ``TOPICS``: the topics it processes; anything else is recorded and ignored;
- ``KEPT_HEADERS``: the (non-secret) headers stored with the delivery;
- ``process(store=, topic=, payload=, delivery=) -> str``: apply a stored delivery;
- ``normalize_order/customer/product(payload)`` into commerce.normalized shapes (reused by
  the REST back-fill: REST resources have the same shape as webhook payloads).
"""

from types import ModuleType

from flywheel.commerce.webhooks import bigcommerce, shopify, woocommerce

PLATFORM_MODULES: dict[str, ModuleType] = {
    "shopify": shopify,
    "woocommerce": woocommerce,
    "bigcommerce": bigcommerce,
}


def platform_module(platform: str) -> ModuleType:
    return PLATFORM_MODULES[platform]
