"""Shopify Admin REST API (2025-01).

Discounts are a price rule (the logic: value, limits, dates, minimum) plus a discount code
that points at it. Lists page with cursors: the next page's ``page_info`` comes in the
``Link`` header, and a request carrying ``page_info`` may add nothing but ``limit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

from django.utils import timezone
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
    StoreAdapterError,
    StoreNotConfigured,
    StoreNotFound,
    StoreRequestRejected,
)
from flywheel.commerce.adapters.http import json_of

API_VERSION = "2025-01"


def next_page_info(links: dict[str, dict[str, str]]) -> str | None:
    """The page_info of the ``rel="next"`` URL in a parsed Link header, if any."""
    next_link = links.get("next", {}).get("url")
    if not next_link:
        return None
    values = parse_qs(urlparse(next_link).query).get("page_info")
    return values[0] if values else None


class ShopifyAdapter(StoreAdapter):
    platform = "shopify"
    max_page_size = 250

    def default_base_url(self) -> str:
        return f"https://{self.store.domain}/admin/api/{API_VERSION}/"

    def client_options(self) -> dict[str, Any]:
        if not self.store.api_token:
            raise StoreNotConfigured(
                _("Shopify shop %(domain)s has no Admin API access token.")
                % {"domain": self.store.domain}
            )
        return {"headers": {"X-Shopify-Access-Token": self.store.api_token}}

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
        price_rule: dict[str, Any] = {
            "title": code,
            "target_type": "line_item",
            "target_selection": "all",
            "allocation_method": "across",
            "value_type": kind,
            # Shopify wants the reduction as a negative number.
            "value": f"-{money(value)}" if kind == "fixed_amount" else f"-{value.normalize():f}",
            "customer_selection": "all",
            "once_per_customer": once_per_customer,
            "usage_limit": usage_limit,
            "starts_at": iso_utc(timezone.now()),
            "ends_at": iso_utc(expires_at) if expires_at else None,
        }
        if minimum_order is not None:
            price_rule["prerequisite_subtotal_range"] = {
                "greater_than_or_equal_to": money(minimum_order)
            }
        if customer_email:
            # Shopify ties a price rule to customer records, not addresses: the customer
            # with this e-mail (created when the shop has none yet) is the only one allowed.
            price_rule["customer_selection"] = "prerequisite"
            price_rule["prerequisite_customer_ids"] = [self._customer_id_for(customer_email)]
        rule = json_of(
            self.http.post("price_rules.json", json_body={"price_rule": price_rule}),
            label=self.label,
        )["price_rule"]
        try:
            response = self.http.post(
                f"price_rules/{rule['id']}/discount_codes.json",
                json_body={"discount_code": {"code": code}},
            )
        except StoreAdapterError as error:
            # Do not leave an orphan price rule behind in the merchant's admin.
            try:
                self.http.delete(f"price_rules/{rule['id']}.json")
            except StoreAdapterError:
                pass
            if isinstance(error, StoreRequestRejected) and (
                "unique" in error.detail or "taken" in error.detail
            ):
                raise DiscountCodeConflict(
                    _("%(store)s already has a discount code %(code)s.")
                    % {"store": self.label, "code": code},
                    status=error.status,
                    detail=error.detail,
                ) from error
            raise
        created = json_of(response, label=self.label)["discount_code"]
        return DiscountCode(
            code=created["code"],
            platform_id=str(created["id"]),
            url=f"https://{self.store.domain}/discount/{quote(created['code'])}",
            rule_id=str(rule["id"]),
            customer_email=customer_email
            if customer_email and rule.get("customer_selection") == "prerequisite"
            else "",
        )

    # -- store credit ---------------------------------------------------------------------
    supports_store_credit = True

    def _issue_store_credit(
        self, *, amount: Decimal, code: str, customer_email: str, note: str
    ) -> IssuedCredit:
        """A gift card (POST gift_cards.json, scope write_gift_cards, which Shopify grants
        on request) for the customer with this e-mail, in the shop's currency. Shopify
        refuses a second card with the same code (422 "has already been taken")."""
        gift_card = {
            "initial_value": money(amount),
            "code": code,
            "note": note,
            "customer_id": self._customer_id_for(customer_email),
        }
        try:
            response = self.http.post("gift_cards.json", json_body={"gift_card": gift_card})
        except StoreRequestRejected as error:
            if "taken" in error.detail or "unique" in error.detail:
                return IssuedCredit(
                    code=code, amount=amount, currency=self.store.currency, already_issued=True
                )
            raise
        created = json_of(response, label=self.label)["gift_card"]
        return IssuedCredit(
            code=code,
            amount=Decimal(str(created.get("initial_value") or amount)),
            currency=str(created.get("currency") or self.store.currency),
            platform_id=str(created["id"]),
        )

    def _revoke_store_credit(self, *, platform_id: str, code: str) -> None:
        """Disable the gift card (POST gift_cards/{id}/disable.json, the REST Admin API's
        counterpart of GraphQL `giftCardDeactivate`): its balance can no longer be spent,
        and disabling cannot be undone. Shopify never shows a card's full code again, so
        one issued in an earlier attempt (no id) is found among the customer's cards by
        its last four characters."""
        if not platform_id:
            found = (
                json_of(
                    self.http.get("gift_cards/search.json", params={"query": f"code:{code}"}),
                    label=self.label,
                ).get("gift_cards")
                or []
            )
            matching = [
                card
                for card in found
                if str(card.get("last_characters", "")).upper() == code[-4:]
                and card.get("disabled_at") is None
            ]
            if not matching:
                return
            platform_id = str(matching[0]["id"])
        if not platform_id.isdigit():
            raise StoreNotFound(
                _("%(store)s: gift card ids are numbers; %(value)r is not one.")
                % {"store": self.label, "value": platform_id}
            )
        try:
            self.http.post(f"gift_cards/{platform_id}/disable.json", json_body={})
        except StoreNotFound:
            return  # already gone
        except StoreRequestRejected as error:
            if "disabled" in error.detail.lower():
                return  # already disabled
            raise

    def _customer_id_for(self, email: str) -> int:
        """The shop's customer with this e-mail, created (no marketing consent, tagged) when
        there is none, for a code only they may use."""
        found = (
            json_of(
                self.http.get("customers/search.json", params={"query": f"email:{email}"}),
                label=self.label,
            ).get("customers")
            or []
        )
        for customer in found:
            if str(customer.get("email") or "").lower() == email:
                return int(customer["id"])
        created = json_of(
            self.http.post(
                "customers.json",
                json_body={"customer": {"email": email, "tags": "flywheel-referral"}},
            ),
            label=self.label,
        )["customer"]
        return int(created["id"])

    def disable_discount_code(self, *, platform_id: str) -> None:
        # Deleting the price rule deletes its codes with it.
        rule_id, separator, _code_id = str(platform_id).partition("/")
        if not separator or not rule_id.isdigit():
            raise StoreNotFound(
                _(
                    "%(store)s: %(value)r does not name a price rule; Shopify codes are "
                    'disabled by their reference "<price rule id>/<discount code id>".'
                )
                % {"store": self.label, "value": platform_id}
            )
        try:
            self.http.delete(f"price_rules/{rule_id}.json")
        except StoreNotFound:
            return  # already gone

    # -- lists ----------------------------------------------------------------------------
    def _list(
        self,
        resource: str,
        *,
        updated_since: datetime | None,
        cursor: str | None,
        filters: dict[str, Any] | None = None,
    ) -> Page:
        if cursor:
            params: dict[str, Any] = {"limit": self.page_size, "page_info": cursor}
        else:
            params = {"limit": self.page_size, **(filters or {})}
            if updated_since is not None:
                params["updated_at_min"] = iso_utc(updated_since)
        response = self.http.get(f"{resource}.json", params=params)
        body = json_of(response, label=self.label) or {}
        return Page(
            items=list(body.get(resource, [])),
            next_cursor=next_page_info(response.links),
            cursor=cursor,
        )

    def list_orders(self, *, updated_since: datetime | None, cursor: str | None = None) -> Page:
        # status=any: the default ("open") would skip closed and cancelled orders.
        return self._list(
            "orders", updated_since=updated_since, cursor=cursor, filters={"status": "any"}
        )

    def list_customers(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page:
        return self._list("customers", updated_since=updated_since, cursor=cursor)

    def list_products(
        self, *, updated_since: datetime | None = None, cursor: str | None = None
    ) -> Page:
        return self._list("products", updated_since=updated_since, cursor=cursor)

    # -- single records -------------------------------------------------------------------
    def _fetch(self, resource: str, key: str, external_id: str) -> dict[str, Any]:
        response = self.http.get(f"{resource}/{quote(str(external_id), safe='')}.json")
        return json_of(response, label=self.label)[key]

    def fetch_order(self, external_id: str) -> dict[str, Any]:
        return self._fetch("orders", "order", external_id)

    def fetch_customer(self, external_id: str) -> dict[str, Any]:
        return self._fetch("customers", "customer", external_id)

    def fetch_product(self, external_id: str) -> dict[str, Any]:
        return self._fetch("products", "product", external_id)

    # -- webhooks -------------------------------------------------------------------------
    def register_webhooks(
        self, *, address_base: str, topics: Iterable[str]
    ) -> list[dict[str, Any]]:
        existing = json_of(
            self.http.get("webhooks.json", params={"limit": 250}), label=self.label
        ).get("webhooks", [])

        def create(topic: str) -> str:
            body = {"webhook": {"topic": topic, "address": address_base, "format": "json"}}
            response = self.http.post("webhooks.json", json_body=body)
            return json_of(response, label=self.label)["webhook"]["id"]

        return subscribe_missing(
            topics=topics,
            address_base=address_base,
            subscribed={h["topic"]: h["id"] for h in existing if h["address"] == address_base},
            create=create,
        )
