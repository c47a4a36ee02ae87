"""Shopify CSV exports: streaming import, per-row errors with line numbers, re-import."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from flywheel.commerce import services
from flywheel.commerce.csv_import import (
    CsvFormatError,
    import_customers_csv,
    import_orders_csv,
)
from flywheel.commerce.models import Customer, Order, OrderLine, Product, Store

CSV = Path(__file__).resolve().parent.parent / "fixtures" / "commerce" / "csv"


@pytest.fixture
def store(db):
    return Store.objects.create(
        platform="shopify", domain="north-trail.myshopify.com", webhook_secret="s", currency="EUR"
    )


def _open(name):
    return (CSV / name).open(newline="", encoding="utf-8-sig")


def _import_both(store):
    with _open("customers_export.csv") as file:
        customers = import_customers_csv(store=store, file=file)
    with _open("orders_export.csv") as file:
        orders = import_orders_csv(store=store, file=file)
    return customers, orders


def test_customers_export_becomes_customers_keyed_by_their_shopify_ids(store):
    with _open("customers_export.csv") as file:
        report = import_customers_csv(store=store, file=file)

    assert (report.rows, report.imported, report.errors) == (3, 3, [])
    giulia = Customer.objects.get(store=store, external_id="7470268071971")
    assert giulia.email == "giulia@northtrail.example"
    assert (giulia.first_name, giulia.last_name) == ("Giulia", "Rossi")
    assert giulia.accepts_marketing is True
    assert giulia.phone == "+39 333 1234567"
    assert giulia.addresses == [
        {
            "address1": "Via Roma 1",
            "city": "Milano",
            "province_code": "MI",
            "country_code": "IT",
            "zip": "20121",
            "phone": "+39 02 1234567",
        }
    ]
    tomas = Customer.objects.get(store=store, external_id="7470268104739")
    assert tomas.email == "tomas@northtrail.example"
    assert tomas.accepts_marketing is False


def test_orders_export_becomes_orders_with_their_line_items(store):
    customers, orders = _import_both(store)

    assert (orders.rows, orders.imported, orders.errors) == (4, 3, [])
    first = Order.objects.get(store=store, external_id="5512345678901")
    assert first.number == "#1001"
    assert first.customer.external_id == "7470268071971"
    assert (first.subtotal, first.discount, first.tax, first.total) == (
        Decimal("180.00"),
        Decimal("20.00"),
        Decimal("37.40"),
        Decimal("207.40"),
    )
    assert first.currency == "EUR"
    assert first.financial_status == "paid" and first.fulfillment_status == "fulfilled"
    assert first.placed_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert first.billing_address["city"] == "Milano"
    lines = list(
        first.lines.order_by("external_id").values_list("title", "quantity", "price", "sku")
    )
    assert lines == [
        ("Trail Runner 2 - 39", 1, Decimal("150.00"), "TR2-39"),
        ("Trail Socks", 2, Decimal("25.00"), "SOCK-M"),
    ]
    partly = Order.objects.get(store=store, external_id="5512345678902")
    assert partly.financial_status == "partially_refunded"
    assert partly.counts_as_purchase
    refunded = Order.objects.get(store=store, external_id="5512345678903")
    assert refunded.financial_status == "refunded" and not refunded.counts_as_purchase
    # A buyer the customers file does not know becomes a guest customer, as webhooks do.
    assert refunded.customer.external_id == "guest:guest.buyer@example.com"


def test_importing_the_same_files_again_updates_and_never_duplicates(store):
    _import_both(store)
    counts = (Customer.objects.count(), Order.objects.count(), OrderLine.objects.count())

    customers, orders = _import_both(store)

    assert (customers.imported, orders.imported) == (3, 3)
    assert (Customer.objects.count(), Order.objects.count(), OrderLine.objects.count()) == counts


def test_a_changed_row_updates_the_customer_on_reimport(store):
    _import_both(store)
    edited = (CSV / "customers_export.csv").read_text().replace("Giulia,Rossi", "Giulia,Bianchi")

    import_customers_csv(store=store, file=io.StringIO(edited))

    assert Customer.objects.get(external_id="7470268071971").last_name == "Bianchi"
    assert Customer.objects.filter(store=store).count() == 4  # 3 + the guest buyer


def test_order_lines_are_matched_to_products_by_sku(store):
    services.upsert_product(
        store=store,
        data={
            "external_id": "9001",
            "title": "Trail Socks",
            "handle": "trail-socks",
            "deleted": False,
            "updated_at": None,
            "variants": [
                {"external_id": "9001-1", "title": "M", "sku": "SOCK-M", "price": Decimal("25")}
            ],
        },
    )

    _import_both(store)

    socks = OrderLine.objects.filter(order__store=store, sku="SOCK-M")
    assert socks.count() == 2
    assert {line.product for line in socks} == {Product.objects.get(external_id="9001")}


def test_a_newer_copy_of_an_order_is_not_overwritten_by_an_older_export(store):
    _import_both(store)
    order = Order.objects.get(external_id="5512345678901")
    Order.objects.filter(pk=order.pk).update(
        total=Decimal("1.00"), platform_updated_at=datetime(2025, 1, 1, tzinfo=UTC)
    )

    with _open("orders_export.csv") as file:
        import_orders_csv(store=store, file=file)

    order.refresh_from_db()
    assert order.total == Decimal("1.00")


def test_bad_rows_are_reported_by_line_and_skip_only_their_order(store):
    errors = []
    with _open("orders_with_errors.csv") as file:
        report = import_orders_csv(store=store, file=file, on_error=errors.append)

    assert report.rows == 6 and report.imported == 2
    assert [(error.line, error.message) for error in errors] == [
        (3, "Total: 'thirty' is not an amount. Order #2002 skipped."),
        (5, "Lineitem quantity: 'two' is not a number of items. Order #2003 skipped."),
        (6, "Email: 'not-an-email' is not an e-mail address. Order #2004 skipped."),
    ]
    assert report.errors == errors
    assert sorted(Order.objects.values_list("number", flat=True)) == ["#2001", "#2005"]
    # Nothing of the order whose second line was bad was stored.
    assert not OrderLine.objects.filter(title="Cap", order__number="#2003").exists()


def test_a_file_that_is_not_the_export_is_refused_naming_the_missing_columns(store):
    file = io.StringIO("Order,Amount\n1,2\n")

    with pytest.raises(CsvFormatError, match="the columns Name, Email, Financial Status"):
        import_orders_csv(store=store, file=file)
    assert not Order.objects.exists()


def test_a_customer_row_without_id_or_email_is_reported(store):
    file = io.StringIO(
        "Customer ID,First Name,Last Name,Email\n,No,Body,\n'123,Ok,Person,ok@example.com\n"
    )
    errors = []

    report = import_customers_csv(store=store, file=file, on_error=errors.append)

    assert report.imported == 1
    assert [(e.line, e.message) for e in errors] == [
        (2, "neither a Customer ID nor an e-mail address.")
    ]


# -- the command line -------------------------------------------------------------------


def test_import_csv_command_prints_line_numbers_and_a_summary(store):
    out, err = StringIO(), StringIO()

    call_command(
        "commerce",
        "import-csv",
        "--store",
        store.domain,
        "--customers",
        str(CSV / "customers_export.csv"),
        "--orders",
        str(CSV / "orders_with_errors.csv"),
        stdout=out,
        stderr=err,
    )

    assert "customers: 3 imported from 3 rows, 0 skipped." in out.getvalue()
    assert "orders: 2 imported from 6 rows, 3 skipped." in out.getvalue()
    assert "line 3: Total: 'thirty' is not an amount. Order #2002 skipped." in err.getvalue()
    assert "line 6:" in err.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "Give --customers FILE, --orders FILE or both."),
        (["--orders", "/nonexistent/orders.csv"], "Cannot read /nonexistent/orders.csv"),
        (["--orders", str(CSV / "customers_export.csv")], "the columns Name, Financial Status"),
    ],
)
def test_import_csv_command_names_what_is_wrong(store, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "commerce", "import-csv", "--store", store.domain, *arguments, stdout=StringIO()
        )


def test_import_csv_command_refuses_a_shop_that_is_not_shopify(db):
    Store.objects.create(platform="woocommerce", domain="woo.example.com", webhook_secret="s")

    with pytest.raises(CommandError, match="not a Shopify shop"):
        call_command(
            "commerce",
            "import-csv",
            "--store",
            "woo.example.com",
            "--orders",
            str(CSV / "orders_export.csv"),
            stdout=StringIO(),
        )
