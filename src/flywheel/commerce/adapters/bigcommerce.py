"""BigCommerce: ``https://api.bigcommerce.com/stores/{store_hash}/`` with ``X-Auth-Token``.

Orders live in the v2 API (a JSON array per page, ``page``/``limit``, 204 for an empty
page, lines and refunds behind their own endpoints); customers, products and webhooks in
v3 (``{"data": [...], "meta": {"pagination": {...}}}``). Discount codes use v2 coupons,
which carry the value, the minimum, the expiry and the usage limits on one object.

Because BigCommerce webhooks are "light" (only an id), `fetch_order` returns the complete
order the inbound side needs: the v2 order with ``products`` replaced by the list of its
lines and ``refunds`` set to the v3 refunds of the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

from django.utils.translation import gettext as _

from flywheel.commerce.adapters.base import (
    DiscountCode,
    DiscountKind,
    IssuedCredit,
    Page,
    StoreAdapter,
    iso_utc,
    money,
    subscribe_missing,
)
from flywheel.commerce.adapters.errors import (
    DiscountCodeConflict,
    StoreNotConfigured,
    StoreNotFound,
    StoreRequestRejected,
)
from flywheel.commerce.adapters.http import json_of
from flywheel.commerce.webhooks import bigcommerce as inbound

API_HOST = "https://api.bigcommerce.com"


def _id_path(external_id: str) -> str:
    value = str(external_id)
    if not value.isdigit():
        raise StoreNotFound(
            _("BigCommerce ids are numbers; %(value)r is not one.") % {"value": value}
        )
    return value


class BigCommerceAdapter(StoreAdapter):
    platform = "bigcommerce"
    max_page_size = 250

    @property
    def store_hash(self) -> str:
        return self.store.platform_store_id

    def default_base_url(self) -> str:
        return f"{API_HOST}/stores/{self.store_hash}/"

    def client_options(self) -> dict[str, Any]:
        if not self.store.api_token or not self.store.platform_store_id:
            raise StoreNotConfigured(
                _("BigCommerce shop %(domain)s needs an API access token and its store hash.")
                % {"domain": self.store.domain}
            )
        return {"headers": {"X-Auth-Token": self.store.api_token}}

    # -- discounts ------------------------------------------------------------------------
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
    ) -> DiscountCode:
        coupon: dict[str, Any] = {
            # The name must be unique too; the code already is.
            "name": f"Flywheel {code}",
            "code": code,
            "type": "percentage_discount" if kind == "percentage" else "per_total_discount",
            "amount": money(value),
            "enabled": True,
            # Category 0 is BigCommerce's "every product".
            "applies_to": {"entity": "categories", "ids": [0]},
            # 0 means unlimited on both counters.
            "max_uses": usage_limit or 0,
            "max_uses_per_customer": 1 if once_per_customer else 0,
        }
        if minimum_order is not None:
            coupon["min_purchase"] = money(minimum_order)
        if expires_at is not None:
            coupon["expires"] = format_datetime(expires_at, usegmt=True)
        try:
            response = self.http.post("v2/coupons", json_body=coupon)
        except StoreRequestRejected as error:
            if error.status == 409 or "already" in error.detail.lower():
                raise DiscountCodeConflict(
                    _("%(store)s already has a discount code %(code)s.")
                    % {"store": self.label, "code": code},
                    status=error.status,
                    detail=error.detail,
                ) from error
            raise
        created = json_of(response, label=self.label)
        return DiscountCode(code=created["code"], platform_id=str(created["id"]))

    def disable_discount_code(self, *, platform_id: str) -> None:
        coupon_id = _id_path(platform_id)
        try:
            self.http.delete(f"v2/coupons/{coupon_id}")
        except StoreNotFound:
            return  # already gone

    # -- store credit ---------------------------------------------------------------------
    supports_store_credit = True

    def _issue_store_credit(
        self, *, amount: Decimal, code: str, customer_email: str, note: str
    ) -> IssuedCredit:
        """A gift certificate (POST v2/gift_certificates; to/from name and e-mail and the
        amount are required) in the shop's currency, sent to the customer's e-mail.
        BigCommerce refuses a second certificate with the same code (409)."""
        certificate = {
            "to_name": customer_email.split("@", 1)[0],
            "to_email": customer_email,
            "from_name": self.store.name or self.store.domain,
            "from_email": customer_email,
            "amount": money(amount),
            "code": code,
            "message": note,
        }
        try:
            response = self.http.post("v2/gift_certificates", json_body=certificate)
        except StoreRequestRejected as error:
            if error.status == 409 or "already" in error.detail.lower():
                return IssuedCredit(
                    code=code, amount=amount, currency=self.store.currency, already_issued=True
                )
            raise
        created = json_of(response, label=self.label)
        return IssuedCredit(
            code=code,
            amount=Decimal(str(created.get("amount") or amount)),
            currency=str(created.get("currency_code") or self.store.currency),
            platform_id=str(created["id"]),
        )

    def _revoke_store_credit(self, *, platform_id: str, code: str) -> None:
        """Delete the gift certificate (DELETE v2/gift_certificates/{id}); without its id it
        is found by its code (GET v2/gift_certificates?code=)."""
        if not platform_id:
            response = self.http.get("v2/gift_certificates", params={"code": code})
            found = json_of(response, label=self.label) if response.content else []
            matching = [c for c in found or [] if str(c.get("code", "")).upper() == code]
            if not matching:
                return
            platform_id = str(matching[0]["id"])
        try:
            self.http.delete(f"v2/gift_certificates/{_id_path(platform_id)}")
        except StoreNotFound:
            return  # already gone

    # -- orders (v2) ----------------------------------------------------------------------
    def _complete_order(self, order: dict[str, Any]) -> dict[str, Any]:
        order_id = order["id"]
        lines = json_of(
            self.http.get(f"v2/orders/{order_id}/products", params={"limit": 250}),
            label=self.label,
        )
        refunds = json_of(
            self.http.get(f"v3/orders/{order_id}/payment_actions/refunds"), label=self.label
        )
        return {**order, "products": lines or [], "refunds": (refunds or {}).get("data", [])}

    def list_orders(self, *, updated_since: datetime | None, cursor: str | None = None) -> Page:
        page = int(cursor or 1)
        params: dict[str, Any] = {"page": page, "limit": self.page_size, "sort": "id:asc"}
        if updated_since is not None:
            params["min_date_modified"] = format_datetime(updated_since, usegmt=True)
        orders = json_of(self.http.get("v2/orders", params=params), label=self.label) or []
        # v2 gives no page count: a full page means there may be another.
        has_more = len(orders) >= self.page_size
        return Page(
            items=[self._complete_order(order) for order in orders],
            next_cursor=str(page + 1) if has_more else None,
            cursor=cursor,
        )

    def fetch_order(self, external_id: str) -> dict[str, Any]:
        order = json_of(self.http.get(f"v2/orders/{_id_path(external_id)}"), label=self.label)
        return self._complete_order(order)

    # -- customers and products (v3) ------------------------------------------------------
    def _list_v3(
        self, path: str, *, cursor: str | None, updated_since: datetime | None, **params: Any
    ) -> Page:
        page = int(cursor or 1)
        query: dict[str, Any] = {"page": page, "limit": self.page_size, **params}
        if updated_since is not None:
            query["date_modified:min"] = iso_utc(updated_since)
        body = json_of(self.http.get(path, params=query), label=self.label) or {}
        pagination = body.get("meta", {}).get("pagination", {})
        total_pages = int(pagination.get("total_pages") or 1)
        current = int(pagination.get("current_page") or page)
        return Page(
            items=list(body.get("data", [])),
            next_cursor=str(current + 1) if current < total_pages else None,
            cursor=cursor,
            total_pages=total_pages,
        )

    def list_customers(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page:
        return self._list_v3("v3/customers", cursor=cursor, updated_since=updated_since)

    def list_products(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page:
        return self._list_v3(
            "v3/catalog/products", cursor=cursor, updated_since=updated_since, include="variants"
        )

    def fetch_customer(self, external_id: str) -> dict[str, Any]:
        body = json_of(
            self.http.get("v3/customers", params={"id:in": _id_path(external_id)}),
            label=self.label,
        )
        customers = (body or {}).get("data", [])
        if not customers:
            raise StoreNotFound(
                _("%(store)s has no customer %(id)s.") % {"store": self.label, "id": external_id}
            )
        return customers[0]

    def fetch_product(self, external_id: str) -> dict[str, Any]:
        body = json_of(
            self.http.get(
                f"v3/catalog/products/{_id_path(external_id)}", params={"include": "variants"}
            ),
            label=self.label,
        )
        return body["data"]

    # -- webhooks (v3) --------------------------------------------------------------------
    def register_webhooks(
        self, *, address_base: str, topics: Iterable[str]
    ) -> list[dict[str, Any]]:
        existing = (json_of(self.http.get("v3/hooks"), label=self.label) or {}).get("data", [])

        def create(scope: str) -> str:
            body = {
                "scope": scope,
                "destination": address_base,
                "is_active": True,
                # BigCommerce does not sign deliveries; it sends back the headers given
                # here, which the inbound side checks.
                "headers": {
                    inbound.SECRET_HEADER: self.store.webhook_secret,
                    inbound.STORE_HEADER: self.store.domain,
                },
            }
            response = self.http.post("v3/hooks", json_body=body)
            return json_of(response, label=self.label)["data"]["id"]

        return subscribe_missing(
            topics=topics,
            address_base=address_base,
            subscribed={h["scope"]: h["id"] for h in existing if h["destination"] == address_base},
            create=create,
        )
