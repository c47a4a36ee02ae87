"""The one internal shape every platform's payload is mapped into before it is stored.

Webhook normalisers (commerce/webhooks/<platform>.py), the REST back-fill and the CSV
import all produce these dicts and hand them to commerce.services (upsert_customer,
upsert_order, record_refund, upsert_product). Conventions:

- ids are strings (platforms use ints, strings and GraphQL ids alike);
- money is Decimal with two places, plus an upper-case ISO 4217 currency;
- times are aware datetimes (UTC or with an offset) or None when the platform gave none;
- e-mail addresses are lower-cased and stripped ("" when absent);
- `updated_at` is the platform's own modification time: it decides whether an update is
  newer than what is stored (None means "unknown": the update is applied).
"""

from datetime import datetime
from decimal import Decimal
from typing import NotRequired, TypedDict


class NormalizedCustomer(TypedDict):
    external_id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    addresses: list[dict]
    accepts_marketing: bool
    updated_at: datetime | None
    deleted: NotRequired[bool]


class NormalizedLine(TypedDict):
    external_id: str
    product_external_id: str
    variant_external_id: str
    sku: str
    title: str
    quantity: int
    price: Decimal  # unit price
    total: Decimal  # quantity × price, before order-level discounts


class NormalizedRefundLine(TypedDict):
    line_external_id: str
    quantity: int
    amount: Decimal


class NormalizedRefund(TypedDict):
    external_id: str
    order_external_id: str
    amount: Decimal
    currency: str
    lines: list[NormalizedRefundLine]
    note: str
    refunded_at: datetime | None


class NormalizedOrder(TypedDict):
    external_id: str
    number: str
    # None for guest checkouts without an e-mail; guests with an e-mail get a customer
    # keyed "guest:<email>" so their orders still count for the member who owns the address.
    customer: NormalizedCustomer | None
    email: str
    currency: str
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    financial_status: str  # a commerce.models.FinancialStatus value
    fulfillment_status: str  # a commerce.models.FulfillmentStatus value
    cancelled_at: datetime | None
    placed_at: datetime | None
    updated_at: datetime | None
    billing_address: dict
    shipping_address: dict
    lines: list[NormalizedLine]
    # Refunds embedded in the order payload (Shopify sends them); may be empty.
    refunds: list[NormalizedRefund]
    # A test order, mirrored but never counted as a purchase. Only Shopify marks them
    # (`test: true`); WooCommerce and BigCommerce orders carry no such flag (absent: False).
    test: NotRequired[bool]
    # Discount codes used at checkout (upper-cased) and the visit's landing page with its
    # query string; absent where the platform's payload does not carry them.
    discount_codes: NotRequired[list[str]]
    landing_site: NotRequired[str]


class NormalizedVariant(TypedDict):
    external_id: str
    title: str
    sku: str
    price: Decimal


class NormalizedProduct(TypedDict):
    external_id: str
    title: str
    handle: str
    deleted: bool
    updated_at: datetime | None
    variants: list[NormalizedVariant]
