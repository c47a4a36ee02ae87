"""The outbound side of a store: one small interface, one implementation per platform.

Rewards, referrals, the back-fill and reconciliation talk to a shop only through
`StoreAdapter`; `get_adapter(store)` picks the implementation from ``store.platform``.
Records come back as the platform's own JSON (the same shapes its webhooks carry), so the
inbound normalisers in ``flywheel.commerce.webhooks.<platform>`` turn them into our rows.
"""

from __future__ import annotations

import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.commerce.adapters.errors import (
    InvalidDiscount,
    InvalidStoreCredit,
    StoreCreditNotSupported,
    StoreNotFound,
)
from flywheel.commerce.adapters.http import HttpPolicy, Sleep, StoreHttpClient

if TYPE_CHECKING:
    from flywheel.commerce.models import Store

DiscountKind = Literal["percentage", "fixed_amount"]

# No 0/O or 1/I/L: codes are read aloud and typed from phone screens.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# What all three platforms accept (BigCommerce is the strictest: letters, digits, _ and -).
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,50}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class DiscountCode:
    """A code that now exists in the shop. ``url`` applies it in the storefront when the
    platform has such a link (Shopify's /discount/CODE), else it is empty."""

    code: str
    platform_id: str
    url: str = ""
    # The platform object that holds the rule when it is separate (Shopify's price rule).
    rule_id: str = ""
    # The one customer e-mail the shop accepts the code from, when it was asked for and the
    # platform can hold it ("" when anyone may use it: BigCommerce has no such restriction).
    customer_email: str = ""

    @property
    def reference(self) -> str:
        """What to store to disable the code later (`disable_discount_code(platform_id=…)`):
        the platform id, or on Shopify ``"<price rule id>/<discount code id>"``, because
        there the price rule is what has to go."""
        return f"{self.rule_id}/{self.platform_id}" if self.rule_id else self.platform_id


@dataclass(frozen=True)
class IssuedCredit:
    """Store credit that now exists in the shop: a gift card (Shopify), a gift certificate
    (BigCommerce) or a single-use coupon tied to the customer's e-mail (WooCommerce) holding
    ``amount`` in the shop's currency. ``already_issued`` is True
    when the shop already had a credit with this code: an earlier attempt went through
    (the platform id is then unknown, and nothing was paid twice)."""

    code: str
    amount: Decimal
    currency: str
    platform_id: str = ""
    already_issued: bool = False


CREDIT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{8,20}$")


@dataclass
class Page:
    """One page of a list. ``next_cursor`` is opaque (a Shopify page_info, a page number for
    WooCommerce and BigCommerce) and None on the last page; store it to resume."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    cursor: str | None = None
    total_pages: int | None = None


def generate_code(*, prefix: str | None = None, length: int = 10) -> str:
    """A fresh, unguessable code from `secrets` (never `random`)."""
    if prefix is None:
        prefix = getattr(settings, "FLYWHEEL_DISCOUNT_CODE_PREFIX", "FW")
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def validate_discount(
    *,
    code: str | None,
    kind: str,
    value: Decimal,
    currency: str,
    store_currency: str,
    minimum_order: Decimal | None,
    usage_limit: int | None,
    expires_at: datetime | None,
) -> None:
    """Refuse, before any request, a discount no platform would take or we would regret."""
    if code is not None and not CODE_PATTERN.match(code):
        raise InvalidDiscount(
            _("Discount code %(code)r must be 3 to 50 letters, digits, hyphens or underscores.")
            % {"code": code}
        )
    if kind not in ("percentage", "fixed_amount"):
        raise InvalidDiscount(
            _("Discount kind must be 'percentage' or 'fixed_amount', not %(kind)r.")
            % {"kind": kind}
        )
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidDiscount(_("Discount value must be a positive amount."))
    if kind == "percentage" and value > 100:
        raise InvalidDiscount(_("A percentage discount cannot exceed 100."))
    if kind == "fixed_amount" and currency.upper() != store_currency.upper():
        raise InvalidDiscount(
            _(
                "The shop sells in %(store)s; a fixed discount in %(asked)s would be "
                "applied as %(store)s."
            )
            % {"store": store_currency.upper(), "asked": currency.upper()}
        )
    if minimum_order is not None and (not minimum_order.is_finite() or minimum_order < 0):
        raise InvalidDiscount(_("The minimum order must be zero or more."))
    if usage_limit is not None and usage_limit < 1:
        raise InvalidDiscount(_("The usage limit must be at least 1, or None for no limit."))
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise InvalidDiscount(_("The expiry must be an aware datetime."))
        if expires_at <= timezone.now():
            raise InvalidDiscount(_("The expiry is already in the past."))


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def subscribe_missing(
    *, topics: Iterable[str], address_base: str, subscribed: dict[str, Any], create
) -> list[dict[str, Any]]:
    """Register each topic not already subscribed at `address_base` (`subscribed` maps a
    topic to its existing hook id); asking twice creates nothing. `create(topic)` returns the
    new hook's id."""
    results = []
    for topic in topics:
        hook_id = subscribed.get(topic)
        created = hook_id is None
        if created:
            hook_id = create(topic)
        results.append(
            {"topic": topic, "id": str(hook_id), "address": address_base, "created": created}
        )
    return results


def configured_base_url(store: Store) -> str:
    """A base URL set for this shop in FLYWHEEL_STORE_API_BASE_URLS (tests, proxies), or ""."""
    overrides = getattr(settings, "FLYWHEEL_STORE_API_BASE_URLS", {}) or {}
    return overrides.get(store.domain, "")


class StoreAdapter(ABC):
    """What Flywheel may ask of a shop. Implementations hold one HTTP client; close() it
    (or use the adapter as a context manager) when done."""

    platform: str = ""
    # The largest page the platform serves; FLYWHEEL_STORE_API_PAGE_SIZE may lower it.
    max_page_size: int = 100

    def __init__(
        self,
        store: Store,
        *,
        sleep: Sleep | None = None,
        policy: HttpPolicy | None = None,
        page_size: int | None = None,
    ) -> None:
        self.store = store
        configured = page_size or getattr(settings, "FLYWHEEL_STORE_API_PAGE_SIZE", None)
        self.page_size = min(int(configured or self.max_page_size), self.max_page_size)
        self.http = StoreHttpClient(
            label=self.label,
            base_url=configured_base_url(store) or self.default_base_url(),
            policy=policy,
            sleep=sleep,
            **self.client_options(),
        )

    @property
    def label(self) -> str:
        return f"{self.store.get_platform_display()} shop {self.store.domain}"

    @abstractmethod
    def default_base_url(self) -> str: ...

    @abstractmethod
    def client_options(self) -> dict[str, Any]:
        """Headers and auth for the HTTP client."""

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> StoreAdapter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- discounts ------------------------------------------------------------------------
    def create_discount_code(
        self,
        *,
        code: str | None,
        kind: DiscountKind,
        value: Decimal,
        currency: str,
        expires_at: datetime | None = None,
        minimum_order: Decimal | None = None,
        usage_limit: int | None = 1,
        once_per_customer: bool = True,
        customer_email: str | None = None,
    ) -> DiscountCode:
        """Create a discount code in the shop and return it as the shop stored it.

        ``code=None`` generates an unguessable one. ``usage_limit=1`` is a single-use code
        (a reward), ``None`` a multi-use one (a referral code shared with friends).
        ``customer_email`` ties the code to that customer where the platform allows it
        (WooCommerce's e-mail restriction, Shopify's prerequisite customer); the returned
        ``customer_email`` says whether it did."""
        customer_email = (customer_email or "").strip().lower() or None
        if customer_email is not None and not EMAIL_PATTERN.match(customer_email):
            raise InvalidDiscount(
                _("%(email)r is not an e-mail address to tie the code to.")
                % {"email": customer_email}
            )
        validate_discount(
            code=code,
            kind=kind,
            value=value,
            currency=currency,
            store_currency=self.store.currency,
            minimum_order=minimum_order,
            usage_limit=usage_limit,
            expires_at=expires_at,
        )
        return self._create_discount_code(
            code=code or generate_code(),
            kind=kind,
            value=value,
            expires_at=expires_at,
            minimum_order=minimum_order,
            usage_limit=usage_limit,
            once_per_customer=once_per_customer,
            customer_email=customer_email,
        )

    @abstractmethod
    def _create_discount_code(
        self,
        *,
        code: str,
        kind: DiscountKind,
        value: Decimal,
        expires_at: datetime | None,
        minimum_order: Decimal | None,
        usage_limit: int | None,
        once_per_customer: bool,
        customer_email: str | None,
    ) -> DiscountCode: ...

    @abstractmethod
    def disable_discount_code(self, *, platform_id: str) -> None:
        """Make a code we created unusable in the shop (it is deleted there: no platform
        keeps a disabled state all three share). ``platform_id`` is the code's
        `DiscountCode.reference`. Idempotent: a code the shop no longer has is not an
        error. Other failures raise StoreAdapterError, and the caller tries again later."""

    # -- store credit ---------------------------------------------------------------------
    supports_store_credit: bool = False

    def issue_store_credit(
        self,
        *,
        amount: Decimal,
        currency: str,
        code: str,
        customer_email: str,
        note: str = "",
    ) -> IssuedCredit:
        """Give ``customer_email`` store credit worth ``amount`` (a gift card or gift
        certificate with ``code``, 8 to 20 letters and digits). Idempotent by ``code``: the
        caller passes the same code on every retry and a code the shop already has comes
        back as ``already_issued``. Raises StoreCreditNotSupported where the platform has
        nothing to issue, InvalidStoreCredit before any request for a bad amount, currency,
        code or e-mail."""
        if not self.supports_store_credit:
            raise StoreCreditNotSupported(
                _(
                    "%(store)s cannot issue store credit through its API; choose points "
                    "or a discount code as the reward for this shop."
                )
                % {"store": self.label}
            )
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
            raise InvalidStoreCredit(_("Store credit must be a positive amount."))
        if currency.upper() != self.store.currency.upper():
            raise InvalidStoreCredit(
                _("The shop sells in %(store)s; it cannot hold credit in %(asked)s.")
                % {"store": self.store.currency.upper(), "asked": currency.upper()}
            )
        if not CREDIT_CODE_PATTERN.match(code or ""):
            raise InvalidStoreCredit(
                _("A store credit code must be 8 to 20 letters and digits, not %(code)r.")
                % {"code": code}
            )
        customer_email = (customer_email or "").strip().lower()
        if not EMAIL_PATTERN.match(customer_email):
            raise InvalidStoreCredit(
                _("%(email)r is not an e-mail address to give credit to.")
                % {"email": customer_email}
            )
        return self._issue_store_credit(
            amount=amount.quantize(Decimal("0.01")),
            code=code.upper(),
            customer_email=customer_email,
            note=note[:250],
        )

    def _issue_store_credit(
        self, *, amount: Decimal, code: str, customer_email: str, note: str
    ) -> IssuedCredit:
        raise NotImplementedError

    def revoke_store_credit(self, *, platform_id: str, code: str) -> None:
        """Make store credit we issued unusable (a referral rejected after it was paid):
        the gift card disabled (Shopify), the gift certificate or coupon deleted
        (BigCommerce, WooCommerce). ``platform_id`` is `IssuedCredit.platform_id`; where it
        is unknown (the credit was `already_issued`) the credit is found by ``code`` where
        the platform can search for it. Idempotent: credit the shop no longer has, or has
        already disabled, is not an error. Other failures raise StoreAdapterError, and the
        caller tries again later."""
        if not self.supports_store_credit:
            raise StoreCreditNotSupported(
                _("%(store)s cannot issue or withdraw store credit through its API.")
                % {"store": self.label}
            )
        self._revoke_store_credit(platform_id=str(platform_id or ""), code=code.upper())

    def _revoke_store_credit(self, *, platform_id: str, code: str) -> None:
        raise NotImplementedError

    # -- reads ----------------------------------------------------------------------------
    @abstractmethod
    def list_orders(self, *, updated_since: datetime | None, cursor: str | None = None) -> Page:
        """Orders changed since ``updated_since`` (all when None), oldest first where the
        platform allows, each with its lines and refunds."""

    @abstractmethod
    def list_customers(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page: ...

    @abstractmethod
    def list_products(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page: ...

    @abstractmethod
    def fetch_order(self, external_id: str) -> dict[str, Any]:
        """One order with lines and refunds; raises StoreNotFound."""

    @abstractmethod
    def fetch_customer(self, external_id: str) -> dict[str, Any]: ...

    @abstractmethod
    def fetch_product(self, external_id: str) -> dict[str, Any]: ...

    def lookup_order(self, external_id: str) -> dict[str, Any] | None:
        """The order, or None when the shop has no such order."""
        try:
            return self.fetch_order(external_id)
        except StoreNotFound:
            return None

    # -- webhooks -------------------------------------------------------------------------
    @abstractmethod
    def register_webhooks(
        self, *, address_base: str, topics: Iterable[str]
    ) -> list[dict[str, Any]]:
        """Subscribe ``address_base`` (the store's inbound webhook URL; every topic goes to
        the same address, the topic travels in a header or the body) to ``topics``, named
        as the platform names them. Idempotent: topics already subscribed at that address
        are reported with ``created: False`` and not created again."""


def get_adapter(store: Store, **options: Any) -> StoreAdapter:
    """The adapter for ``store.platform``; options go to its constructor (sleep, page_size)."""
    from flywheel.commerce.adapters.bigcommerce import BigCommerceAdapter
    from flywheel.commerce.adapters.errors import StoreNotConfigured
    from flywheel.commerce.adapters.shopify import ShopifyAdapter
    from flywheel.commerce.adapters.woocommerce import WooCommerceAdapter

    adapters: dict[str, type[StoreAdapter]] = {
        "shopify": ShopifyAdapter,
        "woocommerce": WooCommerceAdapter,
        "bigcommerce": BigCommerceAdapter,
    }
    try:
        adapter_class = adapters[store.platform]
    except KeyError:
        raise StoreNotConfigured(
            _("Store %(domain)s has no supported platform (%(platform)r).")
            % {"domain": store.domain, "platform": store.platform}
        ) from None
    return adapter_class(store, **options)
