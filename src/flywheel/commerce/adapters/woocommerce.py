"""WooCommerce REST API v3 (``/wp-json/wc/v3/``), authenticated with a consumer key and
secret over HTTPS basic auth (``store.api_token`` holds ``"ck_…:cs_…"``).

Lists page by number: ``page`` and ``per_page`` (at most 100), with the page count in the
``X-WP-TotalPages`` header. Coupons carry their own limits (no separate rule object).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
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


class WooCommerceAdapter(StoreAdapter):
    platform = "woocommerce"
    max_page_size = 100

    def default_base_url(self) -> str:
        return f"https://{self.store.domain}/wp-json/wc/v3/"

    def client_options(self) -> dict[str, Any]:
        key, _sep, secret = (self.store.api_token or "").partition(":")
        if not key or not secret:
            raise StoreNotConfigured(
                _(
                    "WooCommerce shop %(domain)s needs its API token as "
                    '"consumer_key:consumer_secret".'
                )
                % {"domain": self.store.domain}
            )
        return {"auth": (key, secret)}

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
            "code": code,
            "discount_type": "percent" if kind == "percentage" else "fixed_cart",
            "amount": money(value),
            "individual_use": False,
            "description": _("Created by Flywheel"),
        }
        if usage_limit is not None:
            coupon["usage_limit"] = usage_limit
        if once_per_customer:
            coupon["usage_limit_per_user"] = 1
        if expires_at is not None:
            coupon["date_expires_gmt"] = iso_utc(expires_at)
        if minimum_order is not None:
            coupon["minimum_amount"] = money(minimum_order)
        if customer_email:
            # WooCommerce checks the billing e-mail against this list at checkout.
            coupon["email_restrictions"] = [customer_email]
        try:
            response = self.http.post("coupons", json_body=coupon)
        except StoreRequestRejected as error:
            if "already exists" in error.detail or "coupon_code" in error.detail:
                raise DiscountCodeConflict(
                    _("%(store)s already has a discount code %(code)s.")
                    % {"store": self.label, "code": code},
                    status=error.status,
                    detail=error.detail,
                ) from error
            raise
        created = json_of(response, label=self.label)
        # WooCommerce stores codes in lower case; the shop's spelling is the one to show.
        restricted = [str(email).lower() for email in created.get("email_restrictions") or []]
        return DiscountCode(
            code=created["code"],
            platform_id=str(created["id"]),
            customer_email=customer_email if customer_email in restricted else "",
        )

    def disable_discount_code(self, *, platform_id: str) -> None:
        coupon_id = str(platform_id)
        if not coupon_id.isdigit():
            raise StoreNotFound(
                _("%(store)s: coupon ids are numbers; %(value)r is not one.")
                % {"store": self.label, "value": coupon_id}
            )
        try:
            # Without force=true WooCommerce only moves the coupon to the trash, where it
            # still cannot be used but keeps its code taken.
            self.http.request("DELETE", f"coupons/{coupon_id}", params={"force": "true"})
        except StoreNotFound:
            return  # already gone

    # -- store credit ---------------------------------------------------------------------
    supports_store_credit = True

    def _issue_store_credit(
        self, *, amount: Decimal, code: str, customer_email: str, note: str
    ) -> IssuedCredit:
        """WooCommerce has no store credit of its own; the standard stand-in is a coupon:
        a fixed amount off the cart (`fixed_cart`), used alone (`individual_use`), once
        (`usage_limit` 1) and only with the customer's billing e-mail
        (`email_restrictions`). WooCommerce refuses a second coupon with the same code
        ("already exists")."""
        coupon = {
            "code": code,
            "discount_type": "fixed_cart",
            "amount": money(amount),
            "individual_use": True,
            "usage_limit": 1,
            "usage_limit_per_user": 1,
            "email_restrictions": [customer_email],
            "description": note or _("Store credit from Flywheel"),
        }
        try:
            response = self.http.post("coupons", json_body=coupon)
        except StoreRequestRejected as error:
            if "already exists" in error.detail or "coupon_code" in error.detail:
                return IssuedCredit(
                    code=code, amount=amount, currency=self.store.currency, already_issued=True
                )
            raise
        created = json_of(response, label=self.label)
        return IssuedCredit(
            code=code,
            amount=Decimal(str(created.get("amount") or amount)),
            currency=self.store.currency,
            platform_id=str(created["id"]),
        )

    def _revoke_store_credit(self, *, platform_id: str, code: str) -> None:
        """Delete the coupon for good (force=true; the trash would keep it redeemable by
        nobody but keep its code taken). Without its id, it is found by its code."""
        if not platform_id:
            found = json_of(
                self.http.get("coupons", params={"code": code.lower()}), label=self.label
            )
            matching = [c for c in found or [] if str(c.get("code", "")).lower() == code.lower()]
            if not matching:
                return  # never created, or already gone
            platform_id = str(matching[0]["id"])
        self.disable_discount_code(platform_id=platform_id)

    # -- lists ----------------------------------------------------------------------------
    def _list(
        self,
        resource: str,
        *,
        cursor: str | None,
        params: dict[str, Any],
    ) -> Page:
        page = int(cursor or 1)
        response = self.http.get(
            resource,
            params={
                **params,
                "page": page,
                "per_page": self.page_size,
                # Ascending ids keep earlier pages stable while new records arrive.
                "orderby": "id",
                "order": "asc",
            },
        )
        items = json_of(response, label=self.label) or []
        try:
            total_pages = int(response.headers.get("X-WP-TotalPages", "1"))
        except ValueError:
            total_pages = 1
        return Page(
            items=list(items),
            next_cursor=str(page + 1) if page < total_pages else None,
            cursor=cursor,
            total_pages=total_pages,
        )

    def list_orders(self, *, updated_since: datetime | None, cursor: str | None = None) -> Page:
        params: dict[str, Any] = {"status": "any"}
        if updated_since is not None:
            params["modified_after"] = iso_utc(updated_since)
            params["dates_are_gmt"] = "true"
        return self._list("orders", cursor=cursor, params=params)

    def list_customers(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page:
        # The customers endpoint has no date filter; a back-fill walks them all.
        return self._list("customers", cursor=cursor, params={"role": "all"})

    def list_products(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page:
        params: dict[str, Any] = {}
        if updated_since is not None:
            params["modified_after"] = iso_utc(updated_since)
            params["dates_are_gmt"] = "true"
        return self._list("products", cursor=cursor, params=params)

    # -- single records -------------------------------------------------------------------
    def _fetch(self, resource: str, external_id: str) -> dict[str, Any]:
        if not str(external_id).isdigit():
            raise StoreNotFound(
                _("WooCommerce ids are numbers; %(value)r is not one.") % {"value": external_id}
            )
        return json_of(self.http.get(f"{resource}/{external_id}"), label=self.label)

    def fetch_order(self, external_id: str) -> dict[str, Any]:
        return self._fetch("orders", external_id)

    def fetch_customer(self, external_id: str) -> dict[str, Any]:
        return self._fetch("customers", external_id)

    def fetch_product(self, external_id: str) -> dict[str, Any]:
        return self._fetch("products", external_id)

    # -- webhooks -------------------------------------------------------------------------
    def register_webhooks(
        self, *, address_base: str, topics: Iterable[str]
    ) -> list[dict[str, Any]]:
        existing = json_of(self.http.get("webhooks", params={"per_page": 100}), label=self.label)

        def create(topic: str) -> str:
            body = {
                "name": f"Flywheel {topic}",
                "topic": topic,
                "delivery_url": address_base,
                # WooCommerce signs each delivery with this (X-WC-Webhook-Signature).
                "secret": self.store.webhook_secret,
                "status": "active",
            }
            return json_of(self.http.post("webhooks", json_body=body), label=self.label)["id"]

        return subscribe_missing(
            topics=topics,
            address_base=address_base,
            subscribed={
                h["topic"]: h["id"] for h in existing or [] if h["delivery_url"] == address_base
            },
            create=create,
        )
