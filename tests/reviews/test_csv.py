"""Reviews in and out as CSV in the layouts of Judge.me, Yotpo and Okendo: the fixtures follow
each vendor's columns; bad rows are refused with their line and column, the rest imported."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from flywheel.commerce.models import Customer, Product, ProductVariant
from flywheel.core.models import Activity
from flywheel.reviews import services
from flywheel.reviews.csv_formats import FORMATS, CsvLayoutError, import_reviews_csv
from flywheel.reviews.models import Review, ReviewState
from tests.factories import UserFactory
from tests.reviews.conftest import buy, png

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reviews" / "csv"


@pytest.fixture
def catalogue(store):
    tent = Product.objects.create(
        store=store, external_id="7001", title="Hubba Hubba tent", handle="hubba-hubba"
    )
    bag = Product.objects.create(
        store=store, external_id="7002", title="Alpine sleeping bag", handle="alpine-bag"
    )
    stove = Product.objects.create(store=store, external_id="7003", title="Stove", handle="stove")
    ProductVariant.objects.create(product=stove, external_id="v1", sku="STOVE-1")
    return {"tent": tent, "bag": bag, "stove": stove}


def run_import(store, name):
    with (FIXTURES / f"{name}.csv").open(newline="", encoding="utf-8") as file:
        return import_reviews_csv(file, store=store, layout=FORMATS[name])


def test_judgeme_rows_are_imported_and_bad_rows_named_by_line_and_column(store, catalogue):
    report = run_import(store, "judgeme")
    assert (report.rows, report.imported) == (5, 3)
    assert [(error.line, error.field) for error in report.errors] == [
        (5, "rating"),
        (6, "product"),
    ]
    assert "99999" in report.errors[1].message
    bombproof = Review.objects.get(title="Bombproof")
    assert bombproof.product == catalogue["tent"]
    assert bombproof.state == ReviewState.PUBLISHED
    assert bombproof.guest_name == "Anna K."
    assert bombproof.reply_body == "Thank you, Anna!"
    assert bombproof.created_at.year == 2024 and bombproof.imported_from == "judgeme"
    # Matched by handle when the id is empty; "not-yet" stays pending.
    assert Review.objects.get(title="Heavier than I hoped").product == catalogue["tent"]
    assert Review.objects.get(title="Waiting").state == ReviewState.PENDING
    assert report.photo_urls_skipped == 1
    assert not Activity.objects.exists()  # history earns no points


def test_importing_the_same_file_again_changes_nothing(store, catalogue):
    run_import(store, "judgeme")
    again = run_import(store, "judgeme")
    assert (again.imported, again.unchanged) == (0, 3)
    assert Review.objects.count() == 3


def test_yotpo_rows_keep_published_state_and_refuse_bad_scores_and_dates(store, catalogue):
    report = run_import(store, "yotpo")
    assert report.imported == 2
    assert [(error.line, error.field) for error in report.errors] == [(4, "rating"), (5, "date")]
    assert Review.objects.get(title="Zip snags").state == ReviewState.PENDING
    warm = Review.objects.get(title="Warm and light")
    assert warm.product == catalogue["bag"] and warm.reply_body == "Glad it kept you warm."
    assert report.photo_urls_skipped == 2


def test_okendo_rows_match_by_prefixed_id_handle_or_sku(store, catalogue):
    report = run_import(store, "okendo")
    assert report.imported == 3
    assert [(error.line, error.field) for error in report.errors] == [(5, "product"), (6, "name")]
    assert Review.objects.get(guest_name="Chris P.").product == catalogue["tent"]
    assert Review.objects.get(title="Boils fast").product == catalogue["stove"]
    # No title in the row: the first words of the body stand in.
    assert Review.objects.get(guest_name="Dana").title.startswith("Best tent I have owned")


def test_a_buyer_in_the_store_is_verified_and_a_linked_member_becomes_the_author(store, catalogue):
    member = UserFactory(email="anna@example.com")
    buy(member, catalogue["tent"])
    Customer.objects.filter(member=member).update(email="anna@example.com")
    run_import(store, "judgeme")
    review = Review.objects.get(title="Bombproof")
    assert review.author == member and review.verified_buyer
    assert not Review.objects.get(title="Heavier than I hoped").verified_buyer


def test_markup_in_an_imported_review_is_sanitised(store, catalogue):
    data = (
        "title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,"
        "product_handle,reply,reply_date,picture_urls,ip_address,location\n"
        'XSS,"<script>alert(1)</script> [x](javascript:alert(1))",5,2024-01-01,web,ok,'
        "Eve,eve@example.com,7001,,,,,,\n"
    )
    import_reviews_csv(io.StringIO(data), store=store, layout=FORMATS["judgeme"])
    html = Review.objects.get().body_html
    assert "<script" not in html and 'href="javascript' not in html


def test_a_file_in_another_layout_is_refused_before_any_row(store, catalogue):
    with (FIXTURES / "yotpo.csv").open(newline="") as file, pytest.raises(CsvLayoutError) as error:
        import_reviews_csv(file, store=store, layout=FORMATS["judgeme"])
    assert "not a Judge.me review export" in str(error.value)
    assert not Review.objects.exists()


def test_the_command_shows_progress_and_one_line_per_refused_row(store, catalogue):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "reviews",
        "import-csv",
        str(FIXTURES / "judgeme.csv"),
        "--format=judgeme",
        f"--store={store.domain}",
        stdout=out,
        stderr=err,
    )
    assert "5 rows read: 3 imported, 0 already here, 2 refused" in out.getvalue()
    assert "Done: 3 imported, 0 already here, 2 refused." in out.getvalue()
    assert err.getvalue().splitlines() == [
        "line 5, rating: Choose a rating from 1 to 5 stars.",
        "line 6, product: No product “99999” in shop.example.com; import the store's products "
        "first.",
    ]


def test_the_command_refuses_an_unknown_store_and_a_wrong_layout(store, catalogue):
    with pytest.raises(CommandError, match="No connected store"):
        call_command(
            "reviews",
            "import-csv",
            str(FIXTURES / "okendo.csv"),
            "--format=okendo",
            "--store=nowhere.example.com",
        )
    with pytest.raises(CommandError, match="not a Okendo review export|not an? Okendo"):
        call_command(
            "reviews",
            "import-csv",
            str(FIXTURES / "yotpo.csv"),
            "--format=okendo",
            f"--store={store.domain}",
        )


@pytest.mark.parametrize("name", ["judgeme", "yotpo", "okendo"])
def test_export_writes_the_vendors_columns_and_reads_back_in(name, buyer, product, store, tmp_path):
    product.handle = "hubba-hubba"
    product.save(update_fields=["handle"])
    review = services.write_review(
        product=product, author=buyer, rating=4, title="Dry", body="Dry all week.", photos=[png()]
    )
    out = tmp_path / f"{name}.csv"
    call_command(
        "reviews", "export-csv", f"--format={name}", f"--output={out}", stderr=io.StringIO()
    )
    rows = list(csv.DictReader(out.open(newline="")))
    assert list(rows[0]) == list(FORMATS[name].columns)
    assert buyer.email in out.read_text()
    assert f"/reviews/{review.pk}/" in out.read_text()  # the photo's address
    # What we wrote, another community reads in (a brand moving out and back).
    Review.objects.all().delete()
    with out.open(newline="") as file:
        report = import_reviews_csv(file, store=store, layout=FORMATS[name])
    assert (report.imported, report.errors) == (1, [])
    moved = Review.objects.get()
    assert (moved.rating, moved.body, moved.verified_buyer) == (4, "Dry all week.", True)
