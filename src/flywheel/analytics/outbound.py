"""Signed JSON to an outbound webhook (segment pushes).

The receiver checks `X-Flywheel-Signature: sha256=<hex>`, the HMAC-SHA256 under the shared
secret of `<X-Flywheel-Timestamp>.<raw body>`, and may refuse old timestamps (replays).
`X-Flywheel-Delivery` is the same on every retry of one push, so the receiver can drop
duplicates.
"""

import hashlib
import hmac
import json
import time

import httpx


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def post_signed(
    *, url: str, secret: str, payload: dict, delivery_id: str, timeout: float
) -> str | None:
    """POST the payload; None on a 2xx, else what went wrong (kept on the push row)."""
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
        return f"{type(error).__name__}: {error}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"
