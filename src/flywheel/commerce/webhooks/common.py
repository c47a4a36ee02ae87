"""Pieces every platform module shares: signatures, times, money and the Delivery shape."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from django.utils.dateparse import parse_datetime

ZERO = Decimal("0.00")


class PayloadError(ValueError):
    """The payload is not in the shape the platform documents."""


@dataclass(frozen=True)
class IncomingDelivery:
    """What a platform module reads from a request before anything is stored."""

    topic: str
    event_id: str


def base64_hmac_sha256(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_matches(*, secret: str, body: bytes, signature: str | None) -> bool:
    """base64(HMAC-SHA256(secret, raw body)) compared in constant time (Shopify, WooCommerce)."""
    if not secret or not signature:
        return False
    expected = base64_hmac_sha256(secret, body)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def text(value: Any) -> str:
    return "" if value is None else str(value)


def email(value: Any) -> str:
    return text(value).strip().lower()


def money(value: Any) -> Decimal:
    if value in (None, ""):
        return ZERO
    try:
        return abs(Decimal(str(value))).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise PayloadError(f"not an amount of money: {value!r}") from error


def when(value: Any, *, naive_is_utc: bool = True) -> datetime | None:
    """An aware datetime from ISO 8601, RFC 2822 (BigCommerce v2) or a Unix timestamp."""
    if value in (None, "", 0):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    raw = str(value).strip()
    parsed = parse_datetime(raw)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError) as error:
            raise PayloadError(f"not a time: {value!r}") from error
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise PayloadError(f"time without a zone: {value!r}")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def require_id(payload: dict, key: str = "id") -> str:
    value = payload.get(key) if isinstance(payload, dict) else None
    if value in (None, ""):
        raise PayloadError(f"the payload has no {key}")
    return str(value)


@dataclass(frozen=True)
class Normalizers:
    """A platform's payload → internal shape functions (refunds only where it sends them)."""

    customer: Any
    order: Any
    product: Any
    refund: Any = None


def apply_resource(*, store, action: str | None, payload: dict, normalize: Normalizers) -> bool:
    """Apply a delivery that carries a customer, order, refund or product (or names one
    deleted); False when the action is none of those, for the platform to handle."""
    from flywheel.commerce import services

    if action == "customer":
        services.upsert_customer(store=store, data=normalize.customer(payload))
    elif action == "customer_deleted":
        services.mark_customer_deleted(store=store, external_id=require_id(payload))
    elif action == "order":
        services.upsert_order(store=store, data=normalize.order(payload))
    elif action == "refund" and normalize.refund is not None:
        services.record_refund(store=store, data=normalize.refund(payload))
    elif action == "product":
        services.upsert_product(store=store, data=normalize.product(payload))
    elif action == "product_deleted":
        services.mark_product_deleted(store=store, external_id=require_id(payload))
    else:
        return False
    return True
