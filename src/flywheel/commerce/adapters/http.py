"""The one HTTP client every store adapter uses: timeouts, retries with backoff, rate limits.

Rules, in the order they are applied to each response:

* 2xx: returned.
* 429: wait as long as the platform says (``Retry-After`` seconds or HTTP date, or
  BigCommerce's ``X-Rate-Limit-Time-Reset-Ms``), then try again; after
  ``FLYWHEEL_STORE_API_MAX_RATE_LIMIT_WAITS`` waits give up with `StoreRateLimited`.
* 5xx and transport errors (timeouts, refused connections): retry with exponential backoff
  up to ``FLYWHEEL_STORE_API_MAX_ATTEMPTS`` attempts. A POST is retried only when the
  request cannot have been acted on (the connection was never made, or 502/503/504 from a
  gateway), so a slow "create discount" is never sent twice.
* other 4xx: raised at once as the matching `StoreAdapterError` with the platform's reason.

Every wait goes through ``sleep`` (injectable, so tests can record the waits) and is capped
at ``FLYWHEEL_STORE_API_MAX_WAIT_SECONDS`` so a hostile or broken header cannot stall a
worker for hours.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.commerce.adapters.errors import (
    StoreAdapterError,
    StoreAuthenticationError,
    StoreConnectionError,
    StoreNotFound,
    StoreRateLimited,
    StoreRequestRejected,
    StoreServerError,
    StoreTimeout,
)

logger = logging.getLogger(__name__)

Sleep = Callable[[float], None]

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# A gateway answered for a server that never saw the request: safe to resend even a POST.
_GATEWAY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 4
    backoff_seconds: float = 0.5
    max_rate_limit_waits: int = 6
    max_wait_seconds: float = 60.0

    @classmethod
    def from_settings(cls) -> HttpPolicy:
        return cls(
            connect_timeout=float(getattr(settings, "FLYWHEEL_STORE_API_CONNECT_TIMEOUT", 5.0)),
            read_timeout=float(getattr(settings, "FLYWHEEL_STORE_API_READ_TIMEOUT", 30.0)),
            max_attempts=int(getattr(settings, "FLYWHEEL_STORE_API_MAX_ATTEMPTS", 4)),
            backoff_seconds=float(getattr(settings, "FLYWHEEL_STORE_API_BACKOFF_SECONDS", 0.5)),
            max_rate_limit_waits=int(
                getattr(settings, "FLYWHEEL_STORE_API_MAX_RATE_LIMIT_WAITS", 6)
            ),
            max_wait_seconds=float(getattr(settings, "FLYWHEEL_STORE_API_MAX_WAIT_SECONDS", 60.0)),
        )


def rate_limit_wait_seconds(response: httpx.Response) -> float | None:
    """How long the platform asks us to wait, or None when it does not say."""
    reset_ms = response.headers.get("X-Rate-Limit-Time-Reset-Ms")
    if reset_ms:
        try:
            return max(0.0, float(reset_ms) / 1000)
        except ValueError:
            pass
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                when = parsedate_to_datetime(retry_after)
            except (TypeError, ValueError):
                return None
            return max(0.0, (when - timezone.now()).total_seconds())
    return None


def platform_reason(response: httpx.Response) -> str:
    """The platform's own explanation from an error body, in one line."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:300].strip()
    # Shopify: {"errors": "..."} or {"errors": {"code": ["has already been taken"]}}
    # WooCommerce: {"code": "...", "message": "..."}
    # BigCommerce v3: {"title": "...", "errors": {...}}; v2: [{"status": 400, "message": ...}]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return "; ".join(str(item.get("message") or item) for item in body)[:500]
    if not isinstance(body, dict):
        return str(body)[:300]
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        parts = []
        for field, problems in errors.items():
            if isinstance(problems, list):
                problems = ", ".join(str(problem) for problem in problems)
            parts.append(f"{field} {problems}")
        reason = "; ".join(parts)
        title = body.get("title")
        return f"{title}: {reason}"[:500] if title else reason[:500]
    for key in ("errors", "message", "title", "error"):
        if body.get(key):
            return str(body[key])[:500]
    return json.dumps(body)[:300]


class StoreHttpClient:
    """JSON over HTTPS to one shop. ``label`` names the shop in every error message."""

    def __init__(
        self,
        *,
        label: str,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        policy: HttpPolicy | None = None,
        sleep: Sleep | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.label = label
        self.policy = policy or HttpPolicy.from_settings()
        self._sleep = sleep or time.sleep
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Accept": "application/json", **dict(headers or {})},
            auth=auth,
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            follow_redirects=False,
            transport=transport,
        )
        # Requests sent, including retries: the CLI shows it as the request rate.
        self.requests_sent = 0
        self.waited_seconds = 0.0

    @property
    def base_url(self) -> str:
        return str(self._client.base_url)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> StoreHttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _wait(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), self.policy.max_wait_seconds)
        self.waited_seconds += seconds
        self._sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        return min(self.policy.backoff_seconds * (2 ** (attempt - 1)), self.policy.max_wait_seconds)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> httpx.Response:
        method = method.upper()
        idempotent = method in _IDEMPOTENT_METHODS
        attempt = 0
        rate_limit_waits = 0
        where = f"{method} {path}"
        while True:
            attempt += 1
            self.requests_sent += 1
            try:
                response = self._client.request(method, path, params=params, json=json_body)
            except httpx.TimeoutException as error:
                never_sent = isinstance(error, httpx.ConnectTimeout)
                if attempt < self.policy.max_attempts and (idempotent or never_sent):
                    logger.warning("%s: %s timed out, retrying", self.label, where)
                    self._wait(self._backoff(attempt))
                    continue
                raise StoreTimeout(
                    _(
                        "%(store)s did not answer %(request)s within %(seconds)s seconds "
                        "(%(attempts)d attempts)."
                    )
                    % {
                        "store": self.label,
                        "request": where,
                        "seconds": self.policy.read_timeout,
                        "attempts": attempt,
                    }
                ) from error
            except httpx.TransportError as error:
                never_sent = isinstance(error, httpx.ConnectError)
                if attempt < self.policy.max_attempts and (idempotent or never_sent):
                    logger.warning("%s: %s failed (%s), retrying", self.label, where, error)
                    self._wait(self._backoff(attempt))
                    continue
                raise StoreConnectionError(
                    _("Could not reach %(store)s for %(request)s: %(error)s")
                    % {"store": self.label, "request": where, "error": error or type(error)}
                ) from error

            status = response.status_code
            if status < 300:
                return response
            if status == 429:
                if rate_limit_waits < self.policy.max_rate_limit_waits:
                    rate_limit_waits += 1
                    attempt -= 1  # a rate-limit wait is not a failed attempt
                    wait = rate_limit_wait_seconds(response)
                    self._wait(wait if wait is not None else self._backoff(rate_limit_waits))
                    continue
                raise StoreRateLimited(
                    _("%(store)s kept rate-limiting %(request)s after %(waits)d waits.")
                    % {"store": self.label, "request": where, "waits": rate_limit_waits},
                    status=status,
                )
            if status >= 500:
                retryable = idempotent or status in _GATEWAY_STATUSES
                if retryable and attempt < self.policy.max_attempts:
                    logger.warning("%s: %s answered %s, retrying", self.label, where, status)
                    self._wait(self._backoff(attempt))
                    continue
                raise StoreServerError(
                    _(
                        "%(store)s failed with HTTP %(status)d on %(request)s after %(attempts)d attempts: %(reason)s"
                    )
                    % {
                        "store": self.label,
                        "status": status,
                        "request": where,
                        "attempts": attempt,
                        "reason": platform_reason(response),
                    },
                    status=status,
                    detail=platform_reason(response),
                )
            raise self._client_error(response, where)

    def _client_error(self, response: httpx.Response, where: str) -> StoreAdapterError:
        status = response.status_code
        reason = platform_reason(response)
        values = {"store": self.label, "request": where, "status": status, "reason": reason}
        if status in (401, 403):
            return StoreAuthenticationError(
                _(
                    "%(store)s refused our credentials (HTTP %(status)d on %(request)s): "
                    "%(reason)s. Check the store's API token and its access scopes."
                )
                % values,
                status=status,
                detail=reason,
            )
        if status == 404:
            return StoreNotFound(
                _("%(store)s has no such record (HTTP 404 on %(request)s).") % values,
                status=status,
                detail=reason,
            )
        return StoreRequestRejected(
            _("%(store)s rejected %(request)s (HTTP %(status)d): %(reason)s") % values,
            status=status,
            detail=reason,
        )

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> httpx.Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, *, json_body: Any) -> httpx.Response:
        return self.request("POST", path, json_body=json_body)

    def delete(self, path: str) -> httpx.Response:
        return self.request("DELETE", path)


def json_of(response: httpx.Response, *, label: str) -> Any:
    """The body as JSON; an empty body (BigCommerce's 204 for an empty page) is None."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise StoreAdapterError(
            _("%(store)s answered %(request)s with something that is not JSON.")
            % {"store": label, "request": f"{response.request.method} {response.request.url.path}"},
            status=response.status_code,
        ) from error
