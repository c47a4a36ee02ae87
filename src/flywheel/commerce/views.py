"""Webhook endpoints: verify, store in the inbox, acknowledge. Processing happens in a task.

Answers (JSON): 200 accepted | duplicate | ignored (unknown topic, recorded) | ping;
400 not UTF-8, malformed or too deeply nested JSON, text no database can hold, missing event
id, or a body that is not its topic's / not this shop's / older than the platform's retry
horizon (docs/stores.md, "What a delivery must prove"); 401 bad signature (nothing stored,
one line on the "flywheel.security" log); 404 unknown shop; 405 not POST; 413 body over
FLYWHEEL_WEBHOOK_MAX_BYTES. Unknown topics get a 200 because Shopify (and WooCommerce,
which disables a webhook after repeated failures) retry every non-2xx answer: a topic we
do not handle would otherwise be redelivered for hours.
"""

import json
import logging
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from flywheel.commerce import services
from flywheel.commerce.queries import find_store_for_webhook
from flywheel.commerce.webhooks import platform_module
from flywheel.commerce.webhooks.common import DeliveryRefused, PayloadError, check_json_values

security_log = logging.getLogger("flywheel.security")
logger = logging.getLogger("flywheel.commerce")

DEFAULT_MAX_BYTES = 1024 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _max_bytes() -> int:
    return int(getattr(settings, "FLYWHEEL_WEBHOOK_MAX_BYTES", DEFAULT_MAX_BYTES))


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "?")


# What a store lookup may contain; anything else names no store (and never reaches a query).
LOOKUP_PATTERNS = {
    "domain": re.compile(r"^[a-z0-9.-]{1,255}$"),
    "platform_store_id": re.compile(r"^[a-z0-9]{1,100}$"),
}
# Topics and event ids are stored and shown: printable ASCII only.
TOPIC_PATTERN = re.compile(r"^[\x21-\x7e]{1,100}$")
EVENT_ID_PATTERN = re.compile(r"^[\x20-\x7e]{1,200}$")


def _safe_lookup(lookup: dict[str, str] | None) -> dict[str, str] | None:
    if not lookup:
        return None
    for key, value in lookup.items():
        pattern = LOOKUP_PATTERNS.get(key)
        if pattern is None or not pattern.match(value):
            return None
    return lookup


def receive_webhook(request: HttpRequest, platform: str) -> HttpResponse:
    """Authenticate, then read: the body is decoded and parsed only once the signature (or
    BigCommerce's secret header) has been checked against the store it names."""
    module = platform_module(platform)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > _max_bytes():
        return _error(413, "too_large", f"The body is over {_max_bytes()} bytes.")
    body = request.read(_max_bytes() + 1)
    if len(body) > _max_bytes():
        return _error(413, "too_large", f"The body is over {_max_bytes()} bytes.")
    headers = request.headers

    if platform == "woocommerce" and module.is_ping(headers, body):
        return JsonResponse({"status": "ping"})

    # Shopify and WooCommerce name the shop in a header; BigCommerce may only in the body.
    lookup = _safe_lookup(module.store_lookup(headers, body))
    store = find_store_for_webhook(lookup)
    if store is None or store.platform != platform:
        security_log.warning(
            "%s webhook for an unknown shop %r from %s", platform, lookup, _client(request)
        )
        return _error(404, "unknown_shop", "No connected shop matches this delivery.")
    if not module.verify(store=store, body=body, headers=headers):
        security_log.warning(
            "%s webhook with a bad signature for %s from %s",
            platform,
            store.domain,
            _client(request),
        )
        return _error(401, "bad_signature", "The signature does not match.")
    try:
        # Strictly UTF-8 (RFC 8259): json.loads would also take UTF-16/32 bytes, which the
        # inbox's text column could not then hold as the body that was signed.
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _error(400, "not_utf8", "The body is not UTF-8.")
    try:
        payload = json.loads(text)
    except ValueError as error:
        return _error(400, "malformed_json", f"The body is not valid JSON: {error}")
    except RecursionError:
        return _error(400, "too_deep", "The JSON is nested too deeply.")
    if not isinstance(payload, dict):
        return _error(400, "malformed_json", "The body must be a JSON object.")
    try:
        check_json_values(payload)
        incoming = module.read_delivery(headers, payload, body)
    except DeliveryRefused as refused:
        return _refused(refused)
    except PayloadError as error:
        return _error(400, "invalid_payload", str(error))
    if not incoming.event_id:
        return _error(400, "missing_event_id", "The delivery carries no event id header.")
    if not incoming.topic:
        return _error(400, "missing_topic", "The delivery names no topic.")
    if not TOPIC_PATTERN.match(incoming.topic):
        return _error(400, "invalid_topic", "The topic is not printable ASCII.")
    if not EVENT_ID_PATTERN.match(incoming.event_id):
        return _error(400, "invalid_event_id", "The event id is not printable ASCII.")
    known = incoming.topic in module.TOPICS
    customer_external_id = ""
    if known:
        try:
            module.check_delivery(
                store=store,
                topic=incoming.topic,
                payload=payload,
                headers=headers,
                now=timezone.now(),
            )
        except DeliveryRefused as refused:
            security_log.warning(
                "%s webhook %s refused for %s from %s: %s",
                platform,
                incoming.topic,
                store.domain,
                _client(request),
                refused.message,
            )
            return _refused(refused)
        customer_external_id = module.customer_reference(incoming.topic, payload)[:100]
    delivery, created = services.record_delivery(
        store=store,
        topic=incoming.topic,
        event_id=incoming.event_id,
        body=text,
        headers={name: headers[name] for name in module.KEPT_HEADERS if name in headers},
        known_topic=known,
        customer_external_id=customer_external_id,
    )
    if not created:
        return JsonResponse({"status": "duplicate", "delivery": delivery.pk})
    if not known:
        logger.info("%s webhook topic %s ignored (%s)", platform, incoming.topic, store.domain)
        return JsonResponse({"status": "ignored", "delivery": delivery.pk})
    return JsonResponse({"status": "accepted", "delivery": delivery.pk})


def _refused(refused: DeliveryRefused) -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": refused.code,
                "message": refused.message,
                "fields": {refused.field: [refused.message]},
            }
        },
        status=400,
    )


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    return receive_webhook(request, "shopify")


@csrf_exempt
@require_POST
def woocommerce_webhook(request: HttpRequest) -> HttpResponse:
    return receive_webhook(request, "woocommerce")


@csrf_exempt
@require_POST
def bigcommerce_webhook(request: HttpRequest) -> HttpResponse:
    return receive_webhook(request, "bigcommerce")
