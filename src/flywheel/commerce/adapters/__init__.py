"""Outbound store adapters: see base.py for the interface and get_adapter()."""

from flywheel.commerce.adapters.base import (
    DiscountCode,
    Page,
    StoreAdapter,
    generate_code,
    get_adapter,
)
from flywheel.commerce.adapters.errors import (
    DiscountCodeConflict,
    InvalidDiscount,
    StoreAdapterError,
    StoreAuthenticationError,
    StoreConnectionError,
    StoreNotConfigured,
    StoreNotFound,
    StoreRateLimited,
    StoreRequestRejected,
    StoreServerError,
    StoreTimeout,
)

__all__ = [
    "DiscountCode",
    "DiscountCodeConflict",
    "InvalidDiscount",
    "Page",
    "StoreAdapter",
    "StoreAdapterError",
    "StoreAuthenticationError",
    "StoreConnectionError",
    "StoreNotConfigured",
    "StoreNotFound",
    "StoreRateLimited",
    "StoreRequestRejected",
    "StoreServerError",
    "StoreTimeout",
    "generate_code",
    "get_adapter",
]
