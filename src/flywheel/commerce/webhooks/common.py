"""Pieces every platform module shares: signatures, times, money, the Delivery shape, and
the checks a verified delivery passes before it is stored (shape, store, age, bytes)."""

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from django.db import DataError
from django.utils.dateparse import parse_datetime

ZERO = Decimal("0.00")


class PayloadError(ValueError):
    """The payload is not in the shape the platform documents."""


class DeliveryRefused(Exception):
    """A verified delivery that is not stored: it does not match its topic or its store, or
    it is older than the platform would ever send it. Answered 400 with `code`/`field`."""

    def __init__(self, message: str, *, code: str = "payload_mismatch", field: str = "body"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


# Processing errors that the same stored body raises every time: retrying them only makes a
# storm of identical failures, so the delivery goes to the dead-letter list at once (staff
# replay it after a fix). Database outages, lock timeouts and races are not among them.
DETERMINISTIC_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,  # PayloadError, UnicodeError, int("abc"), a NUL in a PostgreSQL string
    TypeError,
    KeyError,
    AttributeError,  # e.g. a list where the platform documents an object
    ArithmeticError,  # decimal.InvalidOperation (an amount too large for the column), overflow
    DataError,  # PostgreSQL: numeric field overflow, value too long, integer out of range
    RecursionError,
)


def is_deterministic(error: BaseException) -> bool:
    return isinstance(error, DETERMINISTIC_ERRORS)


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


def whole_quantity(value: Any) -> int:
    """A whole number of items; anything else (text, 1.5, true) is not a quantity."""
    if value in (None, ""):
        return 0
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"quantity is not a whole number: {text(value)[:40]!r}")
    return value


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


def _short_id(payload: dict, key: str = "id") -> str:
    value = require_id(payload, key)
    _check_id(value, key)
    return value


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
        data = check_normalized("customer", normalize.customer(payload))
        services.upsert_customer(store=store, data=data)
    elif action == "customer_deleted":
        services.mark_customer_deleted(store=store, external_id=_short_id(payload))
    elif action == "order":
        services.upsert_order(store=store, data=check_normalized("order", normalize.order(payload)))
    elif action == "refund" and normalize.refund is not None:
        data = check_normalized("refund", normalize.refund(payload))
        services.record_refund(store=store, data=data)
    elif action == "product":
        data = check_normalized("product", normalize.product(payload))
        services.upsert_product(store=store, data=data)
    elif action == "product_deleted":
        services.mark_product_deleted(store=store, external_id=_short_id(payload))
    else:
        return False
    return True


# --- Checks before a verified delivery is stored ----------------------------------------

# No platform nests its webhook JSON anywhere near this deep (Shopify orders: about 6).
MAX_JSON_DEPTH = 32
# A sender's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=15)


def check_json_values(payload: Any) -> None:
    """Refuse what no platform sends and the database cannot store: nesting deeper than
    MAX_JSON_DEPTH, lone UTF-16 surrogates (json.loads accepts "\\ud800") and NUL characters
    (PostgreSQL text refuses them). Iterative, so a hostile depth cannot overflow the stack."""
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise DeliveryRefused(
                f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.", code="too_deep"
            )
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        else:
            stack.extend((item, depth + 1) for item in value)


def _check_text(value: str) -> None:
    if "\x00" in value:
        raise DeliveryRefused("The JSON holds a NUL character.", code="invalid_text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise DeliveryRefused(
            "The JSON holds a lone surrogate (not a character).", code="invalid_text"
        ) from error


@dataclass(frozen=True)
class Shape:
    """What a topic's body looks like, enough to tell it from every other topic's.

    `required`: keys it always has; `forbidden`: keys that only other resources carry;
    `only`: when set, the complete list of keys it may have (destructive topics, whose
    documented bodies are small); `gid`: the GraphQL type in `admin_graphql_api_id`
    (Shopify), checked when that key is present."""

    required: frozenset[str] = field(default_factory=frozenset)
    forbidden: frozenset[str] = field(default_factory=frozenset)
    only: frozenset[str] | None = None
    gid: str = ""


def shape(
    required: Iterable[str] = (),
    forbidden: Iterable[str] = (),
    only: Iterable[str] | None = None,
    gid: str = "",
) -> Shape:
    return Shape(
        required=frozenset(required),
        forbidden=frozenset(forbidden),
        only=None if only is None else frozenset(only),
        gid=gid,
    )


def check_shape(payload: dict, expected: Shape, *, topic: str) -> None:
    missing = sorted(expected.required - payload.keys())
    if missing:
        raise DeliveryRefused(
            f"A {topic} body has {', '.join(missing)}; this one has not.", field=missing[0]
        )
    foreign = sorted(expected.forbidden & payload.keys())
    if foreign:
        raise DeliveryRefused(
            f"A {topic} body has no {', '.join(foreign)}: this is another topic's body.",
            field=foreign[0],
        )
    if expected.only is not None:
        extra = sorted(payload.keys() - expected.only)
        if extra:
            raise DeliveryRefused(
                f"A {topic} body has only {', '.join(sorted(expected.only))}; "
                f"this one also has {', '.join(extra[:5])}.",
                field=extra[0],
            )
    gid = payload.get("admin_graphql_api_id")
    if expected.gid and gid is not None:
        if not (isinstance(gid, str) and gid.startswith(f"gid://shopify/{expected.gid}/")):
            raise DeliveryRefused(
                f"A {topic} body is a {expected.gid}; this one is {text(gid)[:80]!r}.",
                field="admin_graphql_api_id",
            )


def check_age(
    sent_at: datetime | None,
    *,
    now: datetime,
    horizon: timedelta,
    field_name: str,
    required: bool,
) -> None:
    """Refuse a delivery sent longer ago than the platform's retry horizon (a replay of a
    captured request), or from the future beyond clock skew."""
    if sent_at is None:
        if required:
            raise DeliveryRefused(
                f"The delivery does not say when it was sent ({field_name}).",
                code="stale_delivery",
                field=field_name,
            )
        return
    if sent_at < now - horizon:
        raise DeliveryRefused(
            f"The delivery was sent at {sent_at.isoformat()}, longer ago than the "
            f"{int(horizon.total_seconds() // 3600)} hours the platform retries for.",
            code="stale_delivery",
            field=field_name,
        )
    if sent_at > now + CLOCK_SKEW:
        raise DeliveryRefused(
            f"The delivery says it was sent at {sent_at.isoformat()}, in the future.",
            code="stale_delivery",
            field=field_name,
        )


def parse_sent_at(value: Any, *, field_name: str) -> datetime | None:
    """A header or body time; an unreadable one is refused rather than ignored."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool):
            raise PayloadError("not a time")
        if isinstance(value, int | float):
            if not 0 < value < 2**33:
                raise PayloadError("not a time")
            return datetime.fromtimestamp(value, tz=UTC)
        raw = str(value).strip()
        if raw.isdigit() and len(raw) <= 11:
            return datetime.fromtimestamp(int(raw), tz=UTC)
        return when(raw)
    except (PayloadError, ValueError, OverflowError, OSError) as error:
        raise DeliveryRefused(
            f"{field_name} is not a time: {text(value)[:60]!r}.",
            code="stale_delivery",
            field=field_name,
        ) from error


def same_host(url_or_host: Any, domain: str) -> bool:
    from urllib.parse import urlsplit

    raw = text(url_or_host).strip()
    try:
        host = urlsplit(raw if "//" in raw else f"//{raw}").hostname
    except ValueError:
        return False
    return bool(host) and host.lower() == domain.lower()


# --- Checks on the normalised values before they reach the database ----------------------

# commerce.models money fields: max_digits=12, decimal_places=2.
MAX_AMOUNT = Decimal("9999999999.99")
# PositiveIntegerField is a 32-bit column on PostgreSQL.
MAX_QUANTITY = 2**31 - 1
MAX_ID_LENGTH = 100


def _check_amount(value: Any, name: str) -> None:
    if isinstance(value, Decimal) and not (value.is_finite() and abs(value) <= MAX_AMOUNT):
        raise PayloadError(f"{name} is not an amount we can store: {value}")


def _check_quantity(value: Any, name: str) -> None:
    if not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY:
        raise PayloadError(f"{name} is not a quantity: {value!r}")


def _check_id(value: Any, name: str) -> None:
    if len(text(value)) > MAX_ID_LENGTH:
        raise PayloadError(f"{name} is longer than {MAX_ID_LENGTH} characters")


def check_normalized(kind: str, data: dict) -> dict:
    """Refuse (PayloadError: dead-lettered once, never retried) values the columns cannot
    hold: amounts beyond 12 digits, negative or 64-bit quantities, overlong ids."""
    _check_id(data.get("external_id"), "id")
    if kind == "order":
        for name in ("subtotal", "discount", "tax", "total"):
            _check_amount(data.get(name), name)
        for line in data.get("lines") or []:
            _check_id(line.get("external_id"), "line id")
            _check_quantity(line.get("quantity"), "line quantity")
            _check_amount(line.get("price"), "line price")
            _check_amount(line.get("total"), "line total")
        if data.get("customer"):
            check_normalized("customer", data["customer"])
        for refund in data.get("refunds") or []:
            check_normalized("refund", refund)
    elif kind == "refund":
        _check_amount(data.get("amount"), "refund amount")
        _check_id(data.get("order_external_id"), "order id")
        for line in data.get("lines") or []:
            _check_quantity(line.get("quantity"), "refund line quantity")
            _check_amount(line.get("amount"), "refund line amount")
    elif kind == "product":
        for variant in data.get("variants") or []:
            _check_id(variant.get("external_id"), "variant id")
            _check_amount(variant.get("price"), "variant price")
    return data
