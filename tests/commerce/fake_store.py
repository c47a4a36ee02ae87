"""A real HTTP server on 127.0.0.1 that answers like Shopify, WooCommerce or BigCommerce.

Records are built from the recorded responses in tests/fixtures/commerce/api/<platform>/
(the documented shapes) with fresh ids. Lists page the way each platform pages (Shopify's
Link header with page_info, WooCommerce's X-WP-TotalPages, BigCommerce v2 page/limit with
204 for an empty page and v3 meta.pagination), credentials are checked, and faults can be
scheduled per path and page: a status (5xx, 429 with Retry-After or
X-Rate-Limit-Time-Reset-Ms) a number of times or forever, or a stall past the client's
read timeout. Every request is recorded for assertions.

    with FakeStore("shopify") as fake:
        fake.add_order()
        settings.FLYWHEEL_STORE_API_BASE_URLS = {store.domain: fake.api_base_url}
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "commerce" / "api"

SHOPIFY_TOKEN = "shpat_test_token"
WOO_KEY, WOO_SECRET = "ck_test_key", "cs_test_secret"
BIGCOMMERCE_TOKEN = "bc_test_token"
BIGCOMMERCE_HASH = "abc123"

BASE_TIME = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def fixture(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / f"{name}.json").read_text())


def credentials_for(platform: str) -> dict[str, str]:
    """Store fields that the fake server accepts."""
    if platform == "shopify":
        return {"api_token": SHOPIFY_TOKEN}
    if platform == "woocommerce":
        return {"api_token": f"{WOO_KEY}:{WOO_SECRET}"}
    return {"api_token": BIGCOMMERCE_TOKEN, "platform_store_id": BIGCOMMERCE_HASH}


@dataclass
class RecordedRequest:
    method: str
    path: str  # relative to the API base: "orders.json", "v2/orders", "coupons"
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    page: int | None = None


@dataclass
class Fault:
    path: str
    method: str
    status: int
    remaining: int | None  # None: forever
    page: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    stall_seconds: float = 0.0

    def matches(self, request: RecordedRequest) -> bool:
        if self.remaining == 0 or request.method != self.method or request.path != self.path:
            return False
        return self.page is None or request.page == self.page


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class FakeStore:
    def __init__(self, platform: str) -> None:
        assert platform in ("shopify", "woocommerce", "bigcommerce")
        self.platform = platform
        self.orders: dict[int, dict] = {}
        self.customers: dict[int, dict] = {}
        self.products: dict[int, dict] = {}
        self.order_products: dict[int, list] = {}  # BigCommerce v2 lines
        self.order_refunds: dict[int, list] = {}  # BigCommerce v3 refunds
        self.price_rules: dict[int, dict] = {}
        self.discount_codes: dict[int, dict] = {}
        self.coupons: dict[int, dict] = {}
        # Shopify gift cards and BigCommerce gift certificates (store credit).
        self.gift_cards: dict[int, dict] = {}
        self.webhooks: dict[int, dict] = {}
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self._next_id = 1000
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeStore:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes; without this each answer waits
                # for the client's delayed ACK (40 ms).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, headers, body = fake._handle(
                    self.command, self.path, dict(self.headers.items()), raw
                )
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeStore:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        assert self._server is not None, "start() the fake store first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_base_url(self) -> str:
        if self.platform == "shopify":
            return f"{self.origin}/admin/api/2025-01/"
        if self.platform == "woocommerce":
            return f"{self.origin}/wp-json/wc/v3/"
        return f"{self.origin}/stores/{BIGCOMMERCE_HASH}/"

    # -- faults ---------------------------------------------------------------------------
    def fail(
        self,
        path: str,
        *,
        status: int = 500,
        times: int | None = 1,
        method: str = "GET",
        page: int | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Answer ``status`` to the next ``times`` matching requests (None: to all of them)."""
        self.faults.append(
            Fault(
                path=path,
                method=method,
                status=status,
                remaining=times,
                page=page,
                headers=headers or {},
                body=body if body is not None else {"errors": "Internal Server Error"},
            )
        )

    def rate_limit(self, path: str, *, wait_seconds: float = 2.0, times: int = 1) -> None:
        """429 as the platform sends it: Retry-After (Shopify, WooCommerce hosts) or
        X-Rate-Limit-Time-Reset-Ms (BigCommerce)."""
        if self.platform == "bigcommerce":
            headers = {
                "X-Rate-Limit-Time-Reset-Ms": str(int(wait_seconds * 1000)),
                "X-Rate-Limit-Time-Window-Ms": "30000",
                "X-Rate-Limit-Requests-Left": "0",
                "X-Rate-Limit-Requests-Quota": "150",
            }
            body: Any = {"status": 429, "title": "Too many requests"}
        else:
            headers = {"Retry-After": f"{wait_seconds:.1f}"}
            body = {"errors": "Exceeded 2 calls per second for api client. Reduce request rates."}
        self.fail(path, status=429, times=times, headers=headers, body=body)

    def stall(self, path: str, *, seconds: float, times: int | None = None) -> None:
        """Hold matching requests for ``seconds`` before answering (past the read timeout)."""
        self.faults.append(
            Fault(path=path, method="GET", status=200, remaining=times, stall_seconds=seconds)
        )

    def requests_to(self, path: str, method: str = "GET") -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path and r.method == method]

    # -- records --------------------------------------------------------------------------
    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_customer(
        self, *, email: str | None = None, updated_at: datetime | None = None, **overrides: Any
    ) -> dict:
        customer_id = overrides.pop("id", None) or self._new_id()
        email = email or f"customer{customer_id}@example.com"
        updated_at = updated_at or BASE_TIME + timedelta(minutes=len(self.customers))
        record = fixture(self.platform, "customer")
        record["id"] = customer_id
        record["email"] = email
        if self.platform == "shopify":
            record["updated_at"] = _iso(updated_at)
            for address in [*record["addresses"], record["default_address"]]:
                address["customer_id"] = customer_id
        elif self.platform == "woocommerce":
            record["billing"]["email"] = email
            record["date_modified_gmt"] = updated_at.strftime("%Y-%m-%dT%H:%M:%S")
            record["date_modified"] = record["date_modified_gmt"]
        else:
            record["date_modified"] = updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        record.update(overrides)
        with self._lock:
            self.customers[customer_id] = record
        return record

    def add_product(self, *, updated_at: datetime | None = None, **overrides: Any) -> dict:
        product_id = overrides.pop("id", None) or self._new_id()
        updated_at = updated_at or BASE_TIME + timedelta(minutes=len(self.products))
        record = fixture(self.platform, "product")
        record["id"] = product_id
        if self.platform == "shopify":
            record["handle"] = f"product-{product_id}"
            record["updated_at"] = _iso(updated_at)
            for index, variant in enumerate(record["variants"]):
                variant["id"] = product_id * 10 + index
                variant["product_id"] = product_id
        elif self.platform == "woocommerce":
            record["slug"] = f"product-{product_id}"
            record["date_modified_gmt"] = updated_at.strftime("%Y-%m-%dT%H:%M:%S")
        else:
            record["date_modified"] = _iso(updated_at)
            for index, variant in enumerate(record["variants"]):
                variant["id"] = product_id * 10 + index
                variant["product_id"] = product_id
        record.update(overrides)
        with self._lock:
            self.products[product_id] = record
        return record

    def add_order(
        self,
        *,
        email: str | None = None,
        customer_id: int | None = None,
        updated_at: datetime | None = None,
        with_refund: bool = True,
        **overrides: Any,
    ) -> dict:
        order_id = overrides.pop("id", None) or self._new_id()
        updated_at = updated_at or BASE_TIME + timedelta(minutes=len(self.orders))
        email = email or f"buyer{order_id}@example.com"
        customer_id = customer_id or order_id + 500_000
        record = fixture(self.platform, "order")
        record["id"] = order_id
        if self.platform == "shopify":
            record["name"] = f"#{order_id}"
            record["order_number"] = order_id
            record["email"] = record["contact_email"] = email
            record["updated_at"] = _iso(updated_at)
            record["customer"].update({"id": customer_id, "email": email})
            record["customer"]["default_address"]["customer_id"] = customer_id
            for index, line in enumerate(record["line_items"]):
                line["id"] = order_id * 10 + index
            if with_refund:
                refund = record["refunds"][0]
                refund["id"] = order_id * 10 + 9
                refund["order_id"] = order_id
                refund["refund_line_items"][0]["id"] = order_id * 10 + 8
                refund["refund_line_items"][0]["line_item_id"] = order_id * 10 + 1
                refund["transactions"][0]["order_id"] = order_id
            else:
                record["refunds"] = []
                record["financial_status"] = "paid"
        elif self.platform == "woocommerce":
            record["number"] = str(order_id)
            record["customer_id"] = customer_id
            record["billing"]["email"] = email
            record["date_modified_gmt"] = updated_at.strftime("%Y-%m-%dT%H:%M:%S")
            for index, line in enumerate(record["line_items"]):
                line["id"] = order_id * 10 + index
            if with_refund:
                record["refunds"][0]["id"] = order_id * 10 + 9
            else:
                record["refunds"] = []
        else:
            record["customer_id"] = customer_id
            record["billing_address"]["email"] = email
            record["date_modified"] = format_datetime(updated_at, usegmt=True)
            for key in ("products", "shipping_addresses", "coupons"):
                record[key]["resource"] = f"/orders/{order_id}/{key}"
                record[key]["url"] = f"{self.api_base_url}v2/orders/{order_id}/{key}"
            lines = fixture("bigcommerce", "order_products")
            for index, line in enumerate(lines):
                line["id"] = order_id * 10 + index
                line["order_id"] = order_id
            refunds = fixture("bigcommerce", "refunds")["data"] if with_refund else []
            for refund in refunds:
                refund["id"] = order_id * 10 + 9
                refund["order_id"] = order_id
                refund["items"][0]["item_id"] = order_id * 10
            if not with_refund:
                record["refunded_amount"] = "0.0000"
            with self._lock:
                self.order_products[order_id] = lines
                self.order_refunds[order_id] = refunds
        record.update(overrides)
        with self._lock:
            self.orders[order_id] = record
        return record

    def touch_order(self, order_id: int, *, updated_at: datetime, **changes: Any) -> dict:
        """Change an order in the shop (as a merchant would) without any webhook."""
        with self._lock:
            record = self.orders[order_id]
            record.update(changes)
            if self.platform == "shopify":
                record["updated_at"] = _iso(updated_at)
            elif self.platform == "woocommerce":
                record["date_modified_gmt"] = updated_at.strftime("%Y-%m-%dT%H:%M:%S")
            else:
                record["date_modified"] = format_datetime(updated_at, usegmt=True)
        return record

    # -- dispatch -------------------------------------------------------------------------
    def _handle(
        self, method: str, raw_path: str, headers: dict[str, str], raw_body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(raw_path)
        prefix = urlsplit(self.api_base_url).path
        path = split.path[len(prefix) :] if split.path.startswith(prefix) else split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            body = json.loads(raw_body) if raw_body else None
        except json.JSONDecodeError:
            body = raw_body.decode(errors="replace")
        request = RecordedRequest(
            method=method,
            path=path,
            query=query,
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
        )
        request.page = self._page_of(request)
        with self._lock:
            self.requests.append(request)
            fault = next((f for f in self.faults if f.matches(request)), None)
            if fault is not None and fault.remaining is not None:
                fault.remaining -= 1
        if fault is not None and fault.stall_seconds:
            time.sleep(fault.stall_seconds)
        elif fault is not None:
            return self._json(fault.status, fault.body, fault.headers)
        if not self._authorised(request):
            return self._unauthorised()
        handler = {
            "shopify": self._shopify,
            "woocommerce": self._woocommerce,
            "bigcommerce": self._bigcommerce,
        }[self.platform]
        return handler(request)

    def _page_of(self, request: RecordedRequest) -> int | None:
        if self.platform == "shopify":
            if "page_info" in request.query:
                try:
                    state = self._decode_page_info(request.query["page_info"])
                except ValueError:
                    return None
                return state["offset"] // state["limit"] + 1
            return 1
        if "page" in request.query:
            return int(request.query["page"])
        return 1

    def _authorised(self, request: RecordedRequest) -> bool:
        if self.platform == "shopify":
            return request.headers.get("x-shopify-access-token") == SHOPIFY_TOKEN
        if self.platform == "bigcommerce":
            return request.headers.get("x-auth-token") == BIGCOMMERCE_TOKEN
        expected = base64.b64encode(f"{WOO_KEY}:{WOO_SECRET}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    def _unauthorised(self) -> tuple[int, dict[str, str], bytes]:
        if self.platform == "shopify":
            body: Any = {
                "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
            }
        elif self.platform == "woocommerce":
            body = {
                "code": "woocommerce_rest_cannot_view",
                "message": "Sorry, you cannot list resources.",
                "data": {"status": 401},
            }
        else:
            body = {"status": 401, "title": "Unauthorized", "type": "about:blank"}
        return self._json(401, body)

    @staticmethod
    def _json(
        status: int, body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        return (
            status,
            {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
            payload,
        )

    def _new_record_id(self) -> int:
        with self._lock:
            return self._new_id()

    # -- Shopify --------------------------------------------------------------------------
    @staticmethod
    def _encode_page_info(state: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")

    @staticmethod
    def _decode_page_info(token: str) -> dict:
        padded = token + "=" * (-len(token) % 4)
        try:
            return json.loads(base64.urlsafe_b64decode(padded))
        except (ValueError, json.JSONDecodeError) as error:
            raise ValueError(token) from error

    def _shopify(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        path, method = request.path, request.method
        collections = {
            "orders": self.orders,
            "customers": self.customers,
            "products": self.products,
        }
        singular = {"orders": "order", "customers": "customer", "products": "product"}
        if method == "GET" and path == "customers/search.json":
            return self._shopify_search_customers(request.query.get("query") or "")
        if method == "POST" and path == "customers.json":
            return self._shopify_create_customer(request.body or {})
        if method == "GET" and (match := re.fullmatch(r"(orders|customers|products)\.json", path)):
            return self._shopify_list(match.group(1), collections[match.group(1)], request)
        if method == "GET" and (
            match := re.fullmatch(r"(orders|customers|products)/(\d+)\.json", path)
        ):
            record = collections[match.group(1)].get(int(match.group(2)))
            if record is None:
                return self._json(404, {"errors": "Not Found"})
            return self._json(200, {singular[match.group(1)]: record})
        if method == "POST" and path == "price_rules.json":
            return self._shopify_create_price_rule(request.body or {})
        if method == "POST" and (
            match := re.fullmatch(r"price_rules/(\d+)/discount_codes\.json", path)
        ):
            return self._shopify_create_discount_code(int(match.group(1)), request.body or {})
        if method == "DELETE" and (match := re.fullmatch(r"price_rules/(\d+)\.json", path)):
            # Shopify: 204 with no body; the rule's discount codes go with it.
            rule_id = int(match.group(1))
            with self._lock:
                if self.price_rules.pop(rule_id, None) is None:
                    return self._json(404, {"errors": "Not Found"})
                for code_id in [
                    code_id
                    for code_id, code in self.discount_codes.items()
                    if code["price_rule_id"] == rule_id
                ]:
                    del self.discount_codes[code_id]
            return 204, {}, b""
        if method == "POST" and path == "gift_cards.json":
            return self._shopify_create_gift_card(request.body or {})
        if method == "POST" and (match := re.fullmatch(r"gift_cards/(\d+)/disable\.json", path)):
            # Shopify: 200 with the card, disabled_at set; disabling again is refused (422).
            with self._lock:
                card = self.gift_cards.get(int(match.group(1)))
                if card is None:
                    return self._json(404, {"errors": "Not Found"})
                if card["disabled_at"] is not None:
                    return self._json(
                        422, {"errors": {"base": ["Gift card has already been disabled"]}}
                    )
                card["disabled_at"] = datetime.now(UTC).isoformat()
            return self._json(200, {"gift_card": card})
        if method == "GET" and path == "gift_cards/search.json":
            wanted = (request.query.get("query") or "").removeprefix("code:").lower()
            found = [
                {key: value for key, value in card.items() if key != "code"}
                for card in self.gift_cards.values()
                if card["code"].lower() == wanted
            ]
            return self._json(200, {"gift_cards": found})
        if path == "webhooks.json" and method == "GET":
            return self._json(200, {"webhooks": list(self.webhooks.values())})
        if path == "webhooks.json" and method == "POST":
            hook = fixture("shopify", "webhook")
            hook.update(request.body["webhook"], id=self._new_record_id())
            self.webhooks[hook["id"]] = hook
            return self._json(201, {"webhook": hook})
        return self._json(404, {"errors": "Not Found"})

    def _shopify_list(
        self, resource: str, records: dict[int, dict], request: RecordedRequest
    ) -> tuple[int, dict[str, str], bytes]:
        query = request.query
        if "page_info" in query:
            extra = set(query) - {"page_info", "limit", "fields"}
            if extra:
                return self._json(
                    400,
                    {"errors": {"page_info": [f"{sorted(extra)} cannot be passed with page_info"]}},
                )
            state = self._decode_page_info(query["page_info"])
        else:
            state = {"offset": 0, "updated_at_min": query.get("updated_at_min")}
        limit = int(query.get("limit", 50))
        state["limit"] = limit
        items = sorted(records.values(), key=lambda record: record["id"])
        if state.get("updated_at_min"):
            since = _parse_iso(state["updated_at_min"])
            items = [item for item in items if _parse_iso(item["updated_at"]) >= since]
        offset = state["offset"]
        page = items[offset : offset + limit]
        headers = {}
        links = []
        if offset + limit < len(items):
            token = self._encode_page_info({**state, "offset": offset + limit})
            links.append(
                f'<{self.api_base_url}{resource}.json?{urlencode({"limit": limit, "page_info": token})}>; rel="next"'
            )
        if offset > 0:
            token = self._encode_page_info({**state, "offset": max(offset - limit, 0)})
            links.append(
                f'<{self.api_base_url}{resource}.json?{urlencode({"limit": limit, "page_info": token})}>; rel="previous"'
            )
        if links:
            headers["Link"] = ", ".join(links)
        return self._json(200, {resource: page}, headers)

    def _shopify_search_customers(self, query: str) -> tuple[int, dict[str, str], bytes]:
        """Shopify's customer search, for the one form the adapter sends: `email:<address>`."""
        field, _colon, value = query.partition(":")
        if field != "email" or not value:
            return self._json(200, {"customers": []})
        wanted = value.strip('"').lower()
        found = [c for c in self.customers.values() if str(c.get("email")).lower() == wanted]
        return self._json(200, {"customers": found})

    def _shopify_create_customer(self, body: dict) -> tuple[int, dict[str, str], bytes]:
        email = ((body.get("customer") or {}).get("email") or "").strip()
        if not email:
            return self._json(422, {"errors": {"email": ["can't be blank"]}})
        if any(str(c.get("email")).lower() == email.lower() for c in self.customers.values()):
            return self._json(422, {"errors": {"email": ["has already been taken"]}})
        record = self.add_customer(email=email, tags=(body.get("customer") or {}).get("tags", ""))
        return self._json(201, {"customer": record})

    def _shopify_create_gift_card(self, body: dict) -> tuple[int, dict[str, str], bytes]:
        card = body.get("gift_card") or {}
        code = str(card.get("code") or "")
        errors = {}
        if not card.get("initial_value") or float(card["initial_value"]) <= 0:
            errors["initial_value"] = ["must be greater than 0"]
        if code and not re.fullmatch(r"[A-Za-z0-9]{8,20}", code):
            errors["code"] = ["is invalid"]
        if code and any(c["code"].lower() == code.lower() for c in self.gift_cards.values()):
            errors["code"] = ["has already been taken"]
        if card.get("customer_id") is not None and int(card["customer_id"]) not in self.customers:
            errors["customer_id"] = ["is invalid"]
        if errors:
            return self._json(422, {"errors": errors})
        created = {
            "id": self._new_record_id(),
            "code": code,
            "last_characters": code[-4:],
            "initial_value": card["initial_value"],
            "balance": card["initial_value"],
            "currency": "USD",
            "customer_id": card.get("customer_id"),
            "note": card.get("note"),
            "disabled_at": None,
        }
        self.gift_cards[created["id"]] = created
        # Shopify never returns the full code after creation; it does in this one answer.
        return self._json(201, {"gift_card": created})

    def _shopify_create_price_rule(self, body: dict) -> tuple[int, dict[str, str], bytes]:
        rule = body.get("price_rule") or {}
        required = (
            "title",
            "target_type",
            "target_selection",
            "allocation_method",
            "value_type",
            "value",
            "customer_selection",
            "starts_at",
        )
        errors = {name: ["can't be blank"] for name in required if rule.get(name) in (None, "")}
        if (
            not errors
            and rule["customer_selection"] == "prerequisite"
            and not (
                rule.get("prerequisite_customer_ids")
                and all(int(i) in self.customers for i in rule["prerequisite_customer_ids"])
            )
        ):
            errors["prerequisite_customer_ids"] = ["must name existing customers"]
        if not errors and float(rule["value"]) >= 0:
            errors["value"] = ["must be less than 0"]
        if not errors and rule["value_type"] == "percentage" and float(rule["value"]) < -100:
            errors["value"] = ["must be greater than or equal to -100"]
        if errors:
            return self._json(422, {"errors": errors})
        created = fixture("shopify", "price_rule")
        created.update(rule, id=self._new_record_id())
        self.price_rules[created["id"]] = created
        return self._json(201, {"price_rule": created})

    def _shopify_create_discount_code(
        self, rule_id: int, body: dict
    ) -> tuple[int, dict[str, str], bytes]:
        if rule_id not in self.price_rules:
            return self._json(404, {"errors": "Not Found"})
        code = (body.get("discount_code") or {}).get("code") or ""
        taken = {existing["code"].lower() for existing in self.discount_codes.values()}
        if code.lower() in taken:
            return self._json(
                422, {"errors": {"code": ["must be unique. Please try a different code."]}}
            )
        created = fixture("shopify", "discount_code")
        created.update(id=self._new_record_id(), price_rule_id=rule_id, code=code)
        self.discount_codes[created["id"]] = created
        return self._json(201, {"discount_code": created})

    # -- WooCommerce ----------------------------------------------------------------------
    def _woocommerce(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        path, method = request.path, request.method
        collections = {
            "orders": self.orders,
            "customers": self.customers,
            "products": self.products,
        }
        if method == "GET" and path in collections:
            return self._woo_list(collections[path], request)
        if method == "GET" and (match := re.fullmatch(r"(orders|customers|products)/(\d+)", path)):
            record = collections[match.group(1)].get(int(match.group(2)))
            if record is None:
                return self._json(
                    404,
                    {
                        "code": "woocommerce_rest_shop_order_invalid_id",
                        "message": "Invalid ID.",
                        "data": {"status": 404},
                    },
                )
            return self._json(200, record)
        if method == "POST" and path == "coupons":
            return self._woo_create_coupon(request.body or {})
        if method == "GET" and path == "coupons":
            wanted = (request.query.get("code") or "").lower()
            found = [c for c in self.coupons.values() if not wanted or c["code"] == wanted]
            return self._json(200, found)
        if method == "DELETE" and (match := re.fullmatch(r"coupons/(\d+)", path)):
            return self._woo_delete_coupon(int(match.group(1)), force=request.query.get("force"))
        if path == "webhooks" and method == "GET":
            return self._json(200, list(self.webhooks.values()))
        if path == "webhooks" and method == "POST":
            hook = fixture("woocommerce", "webhook")
            body = dict(request.body)
            body.pop("secret", None)
            hook.update(body, id=self._new_record_id())
            self.webhooks[hook["id"]] = {**hook, "_secret": request.body.get("secret")}
            return self._json(201, hook)
        return self._json(
            404,
            {
                "code": "rest_no_route",
                "message": "No route was found matching the URL and request method.",
                "data": {"status": 404},
            },
        )

    def _woo_list(
        self, records: dict[int, dict], request: RecordedRequest
    ) -> tuple[int, dict[str, str], bytes]:
        query = request.query
        per_page = int(query.get("per_page", 10))
        if per_page > 100:
            return self._json(
                400,
                {
                    "code": "rest_invalid_param",
                    "message": "Invalid parameter(s): per_page",
                    "data": {"status": 400},
                },
            )
        page = int(query.get("page", 1))
        items = sorted(records.values(), key=lambda record: record["id"])
        if query.get("modified_after"):
            since = _parse_iso(query["modified_after"])
            items = [item for item in items if _parse_iso(item["date_modified_gmt"]) > since]
        total_pages = max((len(items) + per_page - 1) // per_page, 1) if items else 0
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(total_pages)}
        return self._json(200, chunk, headers)

    def _woo_create_coupon(self, body: dict) -> tuple[int, dict[str, str], bytes]:
        code = (body.get("code") or "").strip().lower()
        if not code:
            return self._json(
                400,
                {
                    "code": "rest_missing_callback_param",
                    "message": "Missing parameter(s): code",
                    "data": {"status": 400},
                },
            )
        if any(existing["code"] == code for existing in self.coupons.values()):
            return self._json(
                400,
                {
                    "code": "woocommerce_rest_coupon_code_already_exists",
                    "message": f"The coupon code {code} already exists",
                    "data": {"status": 400},
                },
            )
        if body.get("discount_type") not in (None, "percent", "fixed_cart", "fixed_product"):
            return self._json(
                400,
                {
                    "code": "rest_invalid_param",
                    "message": "Invalid parameter(s): discount_type",
                    "data": {"status": 400},
                },
            )
        created = fixture("woocommerce", "coupon")
        created.update(body, code=code, id=self._new_record_id())
        if "date_expires_gmt" in body:
            created["date_expires"] = body["date_expires_gmt"]
        self.coupons[created["id"]] = created
        return self._json(201, created)

    def _woo_delete_coupon(
        self, coupon_id: int, *, force: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        """200 with the coupon as it was; without force=true it only goes to the trash."""
        with self._lock:
            coupon = self.coupons.get(coupon_id)
            if coupon is None:
                return self._json(
                    404,
                    {
                        "code": "woocommerce_rest_shop_coupon_invalid_id",
                        "message": "Invalid ID.",
                        "data": {"status": 404},
                    },
                )
            if force in ("true", "1"):
                del self.coupons[coupon_id]
            else:
                coupon["status"] = "trash"
        return self._json(200, coupon)

    # -- BigCommerce ----------------------------------------------------------------------
    def _bigcommerce(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        path, method, query = request.path, request.method, request.query
        not_found_v2 = [{"status": 404, "message": "The requested resource was not found."}]
        not_found_v3 = {
            "status": 404,
            "title": "The requested resource was not found",
            "type": "about:blank",
        }
        if method == "GET" and path == "v2/orders":
            limit = int(query.get("limit", 50))
            page = int(query.get("page", 1))
            items = sorted(self.orders.values(), key=lambda record: record["id"])
            if query.get("min_date_modified"):
                since = parsedate_to_datetime(query["min_date_modified"])
                items = [i for i in items if parsedate_to_datetime(i["date_modified"]) >= since]
            chunk = items[(page - 1) * limit : page * limit]
            if not chunk:
                return 204, {}, b""
            return self._json(200, chunk)
        if method == "GET" and (match := re.fullmatch(r"v2/orders/(\d+)", path)):
            record = self.orders.get(int(match.group(1)))
            return self._json(200, record) if record else self._json(404, not_found_v2)
        if method == "GET" and (match := re.fullmatch(r"v2/orders/(\d+)/products", path)):
            lines = self.order_products.get(int(match.group(1)))
            return self._json(200, lines) if lines is not None else self._json(404, not_found_v2)
        if method == "GET" and (
            match := re.fullmatch(r"v3/orders/(\d+)/payment_actions/refunds", path)
        ):
            refunds = self.order_refunds.get(int(match.group(1)), [])
            return self._json(200, {"data": refunds, "meta": {}})
        if method == "GET" and path == "v3/customers":
            items = sorted(self.customers.values(), key=lambda record: record["id"])
            if query.get("id:in"):
                wanted = {int(value) for value in query["id:in"].split(",")}
                items = [item for item in items if item["id"] in wanted]
            return self._v3_list(items, request, date_key="date_modified")
        if method == "GET" and path == "v3/catalog/products":
            items = sorted(self.products.values(), key=lambda record: record["id"])
            return self._v3_list(items, request, date_key="date_modified")
        if method == "GET" and (match := re.fullmatch(r"v3/catalog/products/(\d+)", path)):
            record = self.products.get(int(match.group(1)))
            if record is None:
                return self._json(404, not_found_v3)
            return self._json(200, {"data": record, "meta": {}})
        if method == "POST" and path == "v2/coupons":
            return self._bc_create_coupon(request.body or {})
        if method == "POST" and path == "v2/gift_certificates":
            return self._bc_create_gift_certificate(request.body or {})
        if method == "GET" and path == "v2/gift_certificates":
            wanted = (query.get("code") or "").lower()
            found = [c for c in self.gift_cards.values() if c["code"].lower() == wanted]
            return self._json(200, found) if found else (204, {}, b"")
        if method == "DELETE" and (match := re.fullmatch(r"v2/gift_certificates/(\d+)", path)):
            with self._lock:
                deleted = self.gift_cards.pop(int(match.group(1)), None)
            return (204, {}, b"") if deleted else self._json(404, not_found_v2)
        if method == "DELETE" and (match := re.fullmatch(r"v2/coupons/(\d+)", path)):
            with self._lock:
                deleted = self.coupons.pop(int(match.group(1)), None)
            return (204, {}, b"") if deleted else self._json(404, not_found_v2)
        if path == "v3/hooks" and method == "GET":
            return self._json(200, {"data": list(self.webhooks.values()), "meta": {}})
        if path == "v3/hooks" and method == "POST":
            hook = fixture("bigcommerce", "hook")
            hook.update(request.body, id=self._new_record_id())
            self.webhooks[hook["id"]] = hook
            return self._json(200, {"data": hook, "meta": {}})
        return self._json(404, not_found_v3)

    def _v3_list(
        self, items: list[dict], request: RecordedRequest, *, date_key: str
    ) -> tuple[int, dict[str, str], bytes]:
        query = request.query
        if query.get("date_modified:min"):
            since = _parse_iso(query["date_modified:min"])
            items = [item for item in items if _parse_iso(item[date_key]) >= since]
        limit = int(query.get("limit", 50))
        page = int(query.get("page", 1))
        total_pages = max((len(items) + limit - 1) // limit, 1)
        chunk = items[(page - 1) * limit : page * limit]
        pagination = {
            "total": len(items),
            "count": len(chunk),
            "per_page": limit,
            "current_page": page,
            "total_pages": total_pages,
            "links": {"current": f"?page={page}&limit={limit}"},
        }
        if page < total_pages:
            pagination["links"]["next"] = f"?page={page + 1}&limit={limit}"
        return self._json(200, {"data": chunk, "meta": {"pagination": pagination}})

    def _bc_create_gift_certificate(self, body: dict) -> tuple[int, dict[str, str], bytes]:
        required = ("to_name", "to_email", "from_name", "from_email", "amount")
        missing = [key for key in required if not body.get(key)]
        if missing:
            return self._json(
                400,
                [
                    {
                        "status": 400,
                        "message": f"The required field '{missing[0]}' was not supplied.",
                    }
                ],
            )
        code = str(body.get("code") or "")
        if code and any(c["code"].lower() == code.lower() for c in self.gift_cards.values()):
            return self._json(
                409,
                [{"status": 409, "message": f"The gift certificate code '{code}' already exists."}],
            )
        created = {
            **body,
            "id": self._new_record_id(),
            "balance": body["amount"],
            "status": "active",
            "currency_code": "USD",
        }
        self.gift_cards[created["id"]] = created
        return self._json(201, created)

    def _bc_create_coupon(self, body: dict) -> tuple[int, dict[str, str], bytes]:
        missing = [
            key for key in ("name", "code", "type", "amount", "applies_to") if not body.get(key)
        ]
        if missing:
            return self._json(
                400,
                [
                    {
                        "status": 400,
                        "message": f"The required field '{missing[0]}' was not supplied.",
                    }
                ],
            )
        if any(
            existing["code"].lower() == body["code"].lower() for existing in self.coupons.values()
        ):
            return self._json(
                409,
                [
                    {
                        "status": 409,
                        "message": f"The coupon code '{body['code']}' already exists.",
                        "details": {"conflict_reason": "code"},
                    }
                ],
            )
        if body.get("expires"):
            try:
                parsedate_to_datetime(body["expires"])
            except (TypeError, ValueError):
                return self._json(
                    400,
                    [{"status": 400, "message": "The field 'expires' is not an RFC 2822 date."}],
                )
        created = fixture("bigcommerce", "coupon")
        created.update(body, id=self._new_record_id())
        self.coupons[created["id"]] = created
        return self._json(201, created)


def connect_fake_shop(platform: str, settings: Any, **store_fields: Any) -> tuple[Any, FakeStore]:
    """A started FakeStore and a Store row whose API calls go to it (stop() the fake after)."""
    from flywheel.commerce.models import Store

    fake = FakeStore(platform).start()
    domain = store_fields.pop("domain", f"{platform}-shop.example.com")
    values = {"currency": "USD", "webhook_secret": "whsec_test", **credentials_for(platform)}
    values.update(store_fields)
    store = Store.objects.create(platform=platform, domain=domain, **values)
    overrides = dict(getattr(settings, "FLYWHEEL_STORE_API_BASE_URLS", {}) or {})
    overrides[domain] = fake.api_base_url
    settings.FLYWHEEL_STORE_API_BASE_URLS = overrides
    return store, fake
