"""Signed JSON to an outbound webhook (segment pushes).

The receiver checks `X-Flywheel-Signature: sha256=<hex>`, the HMAC-SHA256 under the shared
secret of `<X-Flywheel-Timestamp>.<raw body>`, and may refuse old timestamps (replays).
`X-Flywheel-Delivery` is the same on every retry of one push, so the receiver can drop
duplicates. Retries, dead letters and replays are core.outbound's (analytics.services).
"""

import hashlib
import hmac
import json
import time

import httpx


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def send_signed(*, url: str, secret: str, payload: dict, delivery_id: str, timeout: float) -> None:
    """POST the payload; returns on a 2xx. A 429 raises core.outbound.RetryLater (after the
    receiver's Retry-After, a minute without one), 410 Gone raises Rejected (the webhook was
    removed), anything else (other statuses, network errors) raises OutboundError, which
    core.outbound retries with backoff."""
    from flywheel.core.outbound import Rejected, RetryLater

    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Flywheel-Segments/1",
        "X-Flywheel-Delivery": delivery_id,
        "X-Flywheel-Timestamp": timestamp,
        "X-Flywheel-Signature": signature(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise OutboundError(f"{type(error).__name__}: {error}") from error
    if 200 <= response.status_code < 300:
        return
    detail = f"HTTP {response.status_code}: {response.text[:200]}"
    if response.status_code == 429:
        retry_after = response.headers.get("Retry-After", "")
        raise RetryLater(float(retry_after) if retry_after.isdigit() else 60.0, detail)
    if response.status_code == 410:
        raise Rejected(detail)
    raise OutboundError(detail)


class OutboundError(Exception):
    """The receiver did not take the payload; worth another try."""
