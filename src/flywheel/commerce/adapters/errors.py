"""What can go wrong talking to a store, as exceptions with messages a merchant can act on.

Every error names the platform and the shop, and for HTTP failures the request and the
platform's own words, so that a CLI run or a log line says what to fix without a traceback.
"""

from __future__ import annotations


class StoreAdapterError(Exception):
    """Base class: the store could not do what we asked."""

    def __init__(self, message: str, *, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class StoreNotConfigured(StoreAdapterError):
    """The store lacks what the adapter needs (API token, BigCommerce store hash, platform)."""


class StoreConnectionError(StoreAdapterError):
    """The shop could not be reached (DNS, refused connection, TLS) after the retries."""


class StoreTimeout(StoreConnectionError):
    """The shop took longer than the configured timeout, after the retries."""


class StoreAuthenticationError(StoreAdapterError):
    """401/403: the API token is wrong, revoked or lacks a scope."""


class StoreNotFound(StoreAdapterError):
    """404: the record (or the API itself, on a wrong base URL) does not exist."""


class StoreRequestRejected(StoreAdapterError):
    """400/409/422: the platform refused the request; `detail` carries its reason."""


class DiscountCodeConflict(StoreRequestRejected):
    """The platform already has a discount code with this text."""


class StoreRateLimited(StoreAdapterError):
    """429 kept coming after the allowed number of waits."""


class StoreServerError(StoreAdapterError):
    """5xx kept coming after the retries."""


class InvalidDiscount(StoreAdapterError):
    """The discount asked for is not one we can create (checked before any request)."""


class StoreCreditNotSupported(StoreAdapterError):
    """The platform has no store credit or gift card the API can issue (WooCommerce without
    an extension): choose another reward for this shop."""


class InvalidStoreCredit(StoreAdapterError):
    """The store credit asked for is not one we can issue (checked before any request)."""
