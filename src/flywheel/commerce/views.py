"""Webhook endpoints: verify, store in the inbox, acknowledge. Processing happens in a task.

Answers (JSON): 200 accepted | duplicate | ignored (unknown topic, recorded) | ping;
400 malformed JSON or missing event id; 401 bad signature (nothing stored, one line on the
"flywheel.security" log); 404 unknown shop; 405 not POST; 413 body over
FLYWHEEL_WEBHOOK_MAX_BYTES. Unknown topics get a 200 because Shopify (and WooCommerce,
which disables a webhook after repeated failures) retry every non-2xx answer: a topic we
do not handle would otherwise be redelivered for hours.
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from flywheel.commerce import services
from flywheel.commerce.queries import find_store_for_webhook
from flywheel.commerce.webhooks import platform_module
from flywheel.commerce.webhooks.common import PayloadError

security_log = logging.getLogger("flywheel.security")
logger = logging.getLogger("flywheel.commerce")

DEFAULT_MAX_BYTES = 1024 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _max_bytes() -> int:
    return int(getattr(settings, "FLYWHEEL_WEBHOOK_MAX_BYTES", DEFAULT_MAX_BYTES))


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "?")


def receive_webhook(request: HttpRequest, platform: str) -> HttpResponse:
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

    payload = None
    parse_error = None
    try:
        payload = json.loads(body)
    except ValueError as error:
        parse_error = error
    # Shopify and WooCommerce name the shop in a header; BigCommerce may only in the body.
    store = find_store_for_webhook(module.store_lookup(headers, payload))
    if store is None or store.platform != platform:
        security_log.warning(
            "%s webhook for an unknown shop %r from %s",
            platform,
            module.store_lookup(headers, payload),
            _client(request),
        )
        if store is None and parse_error is not None and platform == "bigcommerce":
            return _error(400, "malformed_json", f"The body is not valid JSON: {parse_error}")
        return _error(404, "unknown_shop", "No connected shop matches this delivery.")
    if not module.verify(store=store, body=body, headers=headers):
        security_log.warning(
            "%s webhook with a bad signature for %s from %s",
            platform,
            store.domain,
            _client(request),
        )
        return _error(401, "bad_signature", "The signature does not match.")
    if parse_error is not None:
        return _error(400, "malformed_json", f"The body is not valid JSON: {parse_error}")
    if not isinstance(payload, dict):
        return _error(400, "malformed_json", "The body must be a JSON object.")
    try:
        incoming = module.read_delivery(headers, payload, body)
    except PayloadError as error:
        return _error(400, "invalid_payload", str(error))
    if not incoming.event_id:
        return _error(400, "missing_event_id", "The delivery carries no event id header.")
    if not incoming.topic:
        return _error(400, "missing_topic", "The delivery names no topic.")
    known = incoming.topic in module.TOPICS
    delivery, created = services.record_delivery(
        store=store,
        topic=incoming.topic,
        event_id=incoming.event_id,
        body=body.decode("utf-8"),
        headers={name: headers[name] for name in module.KEPT_HEADERS if name in headers},
        known_topic=known,
    )
    if not created:
        return JsonResponse({"status": "duplicate", "delivery": delivery.pk})
    if not known:
        logger.info("%s webhook topic %s ignored (%s)", platform, incoming.topic, store.domain)
        return JsonResponse({"status": "ignored", "delivery": delivery.pk})
    return JsonResponse({"status": "accepted", "delivery": delivery.pk})


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
