"""Import Shopify's CSV exports (Customers → Export, Orders → Export), streaming.

The files are read row by row with the csv module; an order (one row per line item, the
order's own fields on its first row) is held in memory only while its rows are read. A
bad row skips its customer or its whole order (an order is never stored half-read) and is
reported with its line number; everything else is imported. Rows become the normalised
shape and go through the same upsert services as webhooks and the REST back-fill, keyed
by the export's ``Customer ID`` and order ``Id`` (the REST ids), so importing a file again,
or the same shop over the API later, updates rows instead of duplicating them.

What the exports cannot tell us, and how it is handled:

* order lines have no ids: they are keyed by position (``csv:1``, ``csv:2`` …) and
  matched to products by SKU; a later API import replaces them with the real lines;
* refunds are only a per-order "Refunded Amount": the order keeps its financial status
  (refunded / partially refunded), but no refund rows are made up (a later API import or
  webhook brings the real ones, and an invented one would be counted twice);
* orders name the buyer by e-mail only: an order joins the customer with that e-mail when
  one exists (import the customers file first), else a guest customer, as webhooks do;
* the customers export has no modification time, so its values replace ours.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from flywheel.commerce import services
from flywheel.commerce.models import (
    Customer,
    FinancialStatus,
    FulfillmentStatus,
    ProductVariant,
    Store,
)
from flywheel.commerce.normalized import NormalizedCustomer, NormalizedLine, NormalizedOrder
from flywheel.core.exceptions import DomainError

CUSTOMER_COLUMNS = ("Email",)
ORDER_COLUMNS = (
    "Name",
    "Email",
    "Financial Status",
    "Currency",
    "Subtotal",
    "Total",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Id",
)

FINANCIAL_STATUSES = set(FinancialStatus.values)
FULFILLMENT_STATUSES = {
    "": FulfillmentStatus.UNFULFILLED,
    "unfulfilled": FulfillmentStatus.UNFULFILLED,
    "pending": FulfillmentStatus.UNFULFILLED,
    "partial": FulfillmentStatus.PARTIAL,
    "fulfilled": FulfillmentStatus.FULFILLED,
    "restocked": FulfillmentStatus.RESTOCKED,
}
YES = {"yes", "true", "1", "y"}
ID_PATTERN = re.compile(r"^\d{1,30}$")
ZERO = Decimal("0.00")


class CsvFormatError(ValueError):
    """The file is not the export we expect (missing columns, not a CSV)."""


class RowProblem(ValueError):
    """One row cannot be imported; the message names the column and the value."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class CsvImportReport:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)


ErrorCallback = Callable[[RowError], None]


def _reader(file: TextIO, *, required: tuple[str, ...], kind: str) -> csv.DictReader:
    reader = csv.DictReader(file)
    try:
        fieldnames = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise CsvFormatError(_("not a CSV file (%(error)s)") % {"error": error}) from error
    reader.fieldnames = fieldnames
    missing = [column for column in required if column not in fieldnames]
    if missing:
        raise CsvFormatError(
            _("this is not Shopify's %(kind)s export: the columns %(columns)s are missing.")
            % {"kind": kind, "columns": ", ".join(missing)}
        )
    return reader


def _cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _external_id(row: dict[str, Any], column: str) -> str:
    # Shopify prefixes ids with an apostrophe so spreadsheets keep them as text.
    value = _cell(row, column).lstrip("'")
    if value and not ID_PATTERN.match(value):
        raise RowProblem(
            _("%(column)s: %(value)r is not a Shopify id.") % {"column": column, "value": value}
        )
    return value


def _money(row: dict[str, Any], column: str) -> Decimal:
    value = _cell(row, column).replace(",", "")
    if not value:
        return ZERO
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise RowProblem(
            _("%(column)s: %(value)r is not an amount.") % {"column": column, "value": value}
        )
    return abs(amount).quantize(Decimal("0.01"))


def _time(row: dict[str, Any], column: str) -> datetime | None:
    value = _cell(row, column)
    if not value:
        return None
    # Shopify writes "2024-03-01 11:00:00 -0500"; accept ISO 8601 too.
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"):
        try:
            return datetime.strptime(value, pattern)  # noqa: DTZ007 (%z makes it aware)
        except ValueError:
            continue
    parsed = parse_datetime(value)
    if parsed is None or parsed.tzinfo is None:
        raise RowProblem(
            _("%(column)s: %(value)r is not a time with a zone (2024-03-01 11:00:00 -0500).")
            % {"column": column, "value": value}
        )
    return parsed


def _email(row: dict[str, Any], column: str = "Email") -> str:
    value = _cell(row, column).lower()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise RowProblem(
                _("%(column)s: %(value)r is not an e-mail address.")
                % {"column": column, "value": value}
            ) from None
    return value


def _address(row: dict[str, Any], prefix: str, names: dict[str, str]) -> dict[str, str]:
    address = {key: _cell(row, f"{prefix}{column}") for key, column in names.items()}
    return {key: value for key, value in address.items() if value}


# --- Customers ---------------------------------------------------------------------------

DEFAULT_ADDRESS = {
    "company": "Company",
    "address1": "Address1",
    "address2": "Address2",
    "city": "City",
    "province_code": "Province Code",
    "country_code": "Country Code",
    "zip": "Zip",
    "phone": "Phone",
}


def customer_from_row(row: dict[str, Any], *, store: Store) -> NormalizedCustomer:
    email = _email(row)
    external_id = _external_id(row, "Customer ID")
    if not external_id:
        if not email:
            raise RowProblem(_("neither a Customer ID nor an e-mail address."))
        # Older exports have no id: reuse the customer with this e-mail, else a guest key.
        known = (
            Customer.objects.filter(store=store, email=email)
            .exclude(external_id__startswith="guest:")
            .values_list("external_id", flat=True)
            .first()
        )
        external_id = known or f"guest:{email}"
    # New exports say "Default Address Address1", older ones "Address1".
    prefix = "Default Address " if "Default Address Address1" in row else ""
    address = _address(row, prefix, DEFAULT_ADDRESS)
    if not prefix and _cell(row, "Province"):
        address.setdefault("province", _cell(row, "Province"))
    consent = _cell(row, "Accepts Email Marketing") or _cell(row, "Accepts Marketing")
    return {
        "external_id": external_id,
        "email": email,
        "first_name": _cell(row, "First Name"),
        "last_name": _cell(row, "Last Name"),
        "phone": _cell(row, "Phone") or _cell(row, "Default Address Phone"),
        "addresses": [address] if address else [],
        "accepts_marketing": consent.lower() in YES,
        "updated_at": None,
    }


def import_customers_csv(
    *, store: Store, file: TextIO, on_error: ErrorCallback | None = None
) -> CsvImportReport:
    """Import a customers export; one bad row skips that customer only."""
    report = CsvImportReport()
    reader = _reader(file, required=CUSTOMER_COLUMNS, kind=_("customers"))
    for row in reader:
        report.rows += 1
        line = reader.line_num
        try:
            services.upsert_customer(store=store, data=customer_from_row(row, store=store))
        except (RowProblem, DomainError) as problem:
            _report(report, on_error, RowError(line=line, message=_message(problem)))
            continue
        report.imported += 1
    return report


# --- Orders ------------------------------------------------------------------------------

BILLING_ADDRESS = {
    "name": "Name",
    "company": "Company",
    "address1": "Address1",
    "address2": "Address2",
    "city": "City",
    "zip": "Zip",
    "province": "Province",
    "country": "Country",
    "phone": "Phone",
}


def _order_rows(reader: csv.DictReader) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """The rows of one order at a time (an export lists an order's rows together)."""
    rows: list[tuple[int, dict[str, Any]]] = []
    for row in reader:
        name = _cell(row, "Name")
        if rows and name != _cell(rows[0][1], "Name"):
            yield rows
            rows = []
        rows.append((reader.line_num, row))
    if rows:
        yield rows


def _buyer(*, store: Store, email: str, first: dict[str, Any]) -> NormalizedCustomer | None:
    if not email:
        return None
    known = (
        Customer.objects.filter(store=store, email=email)
        .order_by("external_id")  # a real id ("123") sorts before "guest:…"
        .first()
    )
    if known is not None:
        # Unchanged values with its own time: the order joins the customer, who stays as is.
        return {
            "external_id": known.external_id,
            "email": known.email,
            "first_name": known.first_name,
            "last_name": known.last_name,
            "phone": known.phone,
            "addresses": known.addresses,
            "accepts_marketing": known.accepts_marketing,
            "updated_at": known.platform_updated_at,
        }
    first_name, _sep, last_name = _cell(first, "Billing Name").partition(" ")
    return {
        "external_id": f"guest:{email}",
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "phone": _cell(first, "Billing Phone"),
        "addresses": [],
        "accepts_marketing": _cell(first, "Accepts Marketing").lower() in YES,
        "updated_at": None,
    }


def order_from_rows(
    rows: list[tuple[int, dict[str, Any]]], *, store: Store
) -> tuple[NormalizedOrder, int]:
    """The normalised order from its rows; RowProblem carries the line of the bad row."""
    first_line, first = rows[0]
    try:
        external_id = _external_id(first, "Id")
        if not external_id:
            raise RowProblem(_("Id: empty; the export's Id column identifies the order."))
        email = _email(first)
        financial = _cell(first, "Financial Status").lower()
        fulfillment = _cell(first, "Fulfillment Status").lower()
        times = {
            column: _time(first, column)
            for column in ("Created at", "Paid at", "Fulfilled at", "Cancelled at")
        }
        order_fields = {
            "subtotal": _money(first, "Subtotal"),
            "discount": _money(first, "Discount Amount"),
            "tax": _money(first, "Taxes"),
            "total": _money(first, "Total"),
        }
        currency = _cell(first, "Currency").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise RowProblem(
                _("Currency: %(value)r is not an ISO currency code.") % {"value": currency}
            )
    except RowProblem as problem:
        raise _at(problem, first_line) from None
    lines: list[NormalizedLine] = []
    for position, (line_number, row) in enumerate(rows, start=1):
        try:
            title = _cell(row, "Lineitem name")
            quantity_text = _cell(row, "Lineitem quantity")
            if not title or not quantity_text.isdigit():
                raise RowProblem(
                    _("Lineitem quantity: %(value)r is not a number of items.")
                    % {"value": quantity_text}
                    if title
                    else _("Lineitem name: empty.")
                )
            price = _money(row, "Lineitem price")
        except RowProblem as problem:
            raise _at(problem, line_number) from None
        quantity = int(quantity_text)
        lines.append(
            {
                "external_id": f"csv:{position}",
                "product_external_id": "",
                "variant_external_id": "",
                "sku": _cell(row, "Lineitem sku"),
                "title": title,
                "quantity": quantity,
                "price": price,
                "total": price * quantity,
            }
        )
    _match_products(lines, store=store)
    known_times = [moment for moment in times.values() if moment is not None]
    order: NormalizedOrder = {
        "external_id": external_id,
        "number": _cell(first, "Name"),
        "customer": _buyer(store=store, email=email, first=first),
        "email": email,
        "currency": currency,
        **order_fields,
        "financial_status": financial if financial in FINANCIAL_STATUSES else "unknown",
        "fulfillment_status": FULFILLMENT_STATUSES.get(fulfillment, FulfillmentStatus.UNFULFILLED),
        "cancelled_at": times["Cancelled at"],
        "placed_at": times["Created at"],
        # The export has no modification time; the latest event it shows is a lower bound,
        # so a newer webhook or API copy is never overwritten by the file.
        "updated_at": max(known_times) if known_times else None,
        "billing_address": _address(first, "Billing ", BILLING_ADDRESS),
        "shipping_address": _address(first, "Shipping ", BILLING_ADDRESS),
        "lines": lines,
        "refunds": [],
    }
    return order, first_line


def _match_products(lines: list[NormalizedLine], *, store: Store) -> None:
    skus = {line["sku"] for line in lines if line["sku"]}
    if not skus:
        return
    variants = {
        sku: (variant_id, product_id)
        for sku, variant_id, product_id in ProductVariant.objects.filter(
            product__store=store, sku__in=skus, deleted=False
        ).values_list("sku", "external_id", "product__external_id")
    }
    for line in lines:
        if line["sku"] in variants:
            line["variant_external_id"], line["product_external_id"] = variants[line["sku"]]


def import_orders_csv(
    *, store: Store, file: TextIO, on_error: ErrorCallback | None = None
) -> CsvImportReport:
    """Import an orders export; a bad row skips its whole order."""
    report = CsvImportReport()
    reader = _reader(file, required=ORDER_COLUMNS, kind=_("orders"))
    for rows in _order_rows(reader):
        report.rows += len(rows)
        try:
            order, _line = order_from_rows(rows, store=store)
            services.upsert_order(store=store, data=order)
        except RowProblem as problem:
            line = getattr(problem, "line", rows[0][0])
            message = _("%(problem)s Order %(name)s skipped.") % {
                "problem": problem,
                "name": _cell(rows[0][1], "Name") or "?",
            }
            _report(report, on_error, RowError(line=line, message=message))
            continue
        except DomainError as problem:
            _report(report, on_error, RowError(line=rows[0][0], message=_message(problem)))
            continue
        report.imported += 1
    return report


def _at(problem: RowProblem, line: int) -> RowProblem:
    problem.line = line  # type: ignore[attr-defined]
    return problem


def _message(problem: Exception) -> str:
    return getattr(problem, "message", None) or str(problem)


def _report(report: CsvImportReport, on_error: ErrorCallback | None, error: RowError) -> None:
    report.errors.append(error)
    if on_error is not None:
        on_error(error)
