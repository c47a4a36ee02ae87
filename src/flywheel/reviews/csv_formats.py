"""Reviews in and out as CSV, in the column layouts of Judge.me, Yotpo and Okendo, so a brand
can move its reviews in from those apps and out to them (docs/reviews.md, "Import and export").

Each layout is a `ReviewCsvFormat`: its columns in the vendor's order, how one row reads into
an `ImportedReview` (the shape services.import_review takes), and how one of our reviews
writes as a row. Fixtures of each layout: tests/fixtures/reviews/csv/.

Rows are read one at a time (the csv module, streaming); a bad row is reported with its line
number and the column at fault, and the rest of the file is imported. Photo URLs are kept in
the report but not downloaded: fetching addresses from a file is a request to any host, and
the photos belong on the brand's storage through the image pipeline, not hot-linked.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any, TextIO

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from flywheel.core.exceptions import InvalidInput

YES = {"yes", "true", "1", "y", "published", "ok"}


@dataclass
class ImportedReview:
    """One review as another app exported it, before products and customers are matched."""

    rating: Any
    title: str
    body: str
    name: str
    email: str
    created_at: datetime | None
    product_external_id: str = ""
    product_handle: str = ""
    sku: str = ""
    reply: str = ""
    published: bool = True
    photo_urls: list[str] = field(default_factory=list)

    def key(self, source: str) -> str:
        """Same file, same row: same key (re-importing changes nothing)."""
        parts = [
            source,
            self.product_external_id or self.product_handle or self.sku,
            self.email.lower() or self.name,
            self.created_at.isoformat() if self.created_at else "",
            self.title,
            self.body[:200],
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ReviewCsvFormat:
    name: str  # "judgeme"
    label: str  # "Judge.me"
    columns: tuple[str, ...]  # the vendor's header row, in its order
    required: tuple[str, ...]
    read: Callable[[dict[str, str]], ImportedReview]
    write: Callable[[Any, str], dict[str, str]]  # (review, site URL) -> row


def _cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _moment(value: str, column: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    moment = parse_datetime(value.replace(" UTC", "Z").replace(" ", "T", 1))
    if moment is None:
        day = parse_date(value[:10])
        if day is None:
            for pattern in ("%m/%d/%Y", "%d/%m/%Y"):
                try:
                    day = datetime.strptime(value[:10], pattern).date()  # noqa: DTZ007 (a date)
                    break
                except ValueError:
                    continue
        if day is None:
            raise InvalidInput(
                _("“%(value)s” is not a date (2024-01-31 or 2024-01-31T12:00:00Z).")
                % {"value": value[:40]},
                field=column,
            )
        moment = datetime.combine(day, time(12, 0))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _urls(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _photo_urls(review, site: str) -> list[str]:
    return [site + photo.image.url for photo in review.photos.all()]


def _date(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def _email_of(review) -> str:
    if review.author_id is not None:
        return review.author.email
    return review.customer.email if review.customer_id else ""


# ---------------------------------------------------------------- Judge.me

JUDGEME_COLUMNS = (
    "title",
    "body",
    "rating",
    "review_date",
    "source",
    "curated",
    "reviewer_name",
    "reviewer_email",
    "product_id",
    "product_handle",
    "reply",
    "reply_date",
    "picture_urls",
    "ip_address",
    "location",
)


def _read_judgeme(row: dict[str, str]) -> ImportedReview:
    return ImportedReview(
        rating=_cell(row, "rating"),
        title=_cell(row, "title"),
        body=_cell(row, "body"),
        name=_cell(row, "reviewer_name"),
        email=_cell(row, "reviewer_email"),
        created_at=_moment(_cell(row, "review_date"), "review_date"),
        product_external_id=_cell(row, "product_id"),
        product_handle=_cell(row, "product_handle"),
        reply=_cell(row, "reply"),
        # Judge.me's curation: "ok" is published; "not-yet" and "spam" are not.
        published=_cell(row, "curated").lower() in YES | {""},
        photo_urls=_urls(_cell(row, "picture_urls")),
    )


def _write_judgeme(review, site: str) -> dict[str, str]:
    return {
        "title": review.title,
        "body": review.body,
        "rating": str(review.rating),
        "review_date": _date(review.created_at),
        "source": "flywheel",
        "curated": "ok" if review.state == "published" else "not-yet",
        "reviewer_name": review.display_name,
        "reviewer_email": _email_of(review),
        "product_id": review.product.external_id,
        "product_handle": review.product.handle,
        "reply": review.reply_body,
        "reply_date": _date(review.replied_at),
        "picture_urls": ",".join(_photo_urls(review, site)),
        "ip_address": "",
        "location": "",
    }


# ---------------------------------------------------------------- Yotpo

YOTPO_COLUMNS = (
    "review_title",
    "review_content",
    "review_score",
    "date",
    "product_id",
    "product_title",
    "product_url",
    "display_name",
    "email",
    "comment_content",
    "published",
    "published_image_url",
    "user_type",
    "md_customer_country",
)


def _read_yotpo(row: dict[str, str]) -> ImportedReview:
    return ImportedReview(
        rating=_cell(row, "review_score"),
        title=_cell(row, "review_title"),
        body=_cell(row, "review_content"),
        name=_cell(row, "display_name"),
        email=_cell(row, "email"),
        created_at=_moment(_cell(row, "date"), "date"),
        product_external_id=_cell(row, "product_id"),
        reply=_cell(row, "comment_content"),
        published=_cell(row, "published").lower() in YES | {""},
        photo_urls=_urls(_cell(row, "published_image_url")),
    )


def _write_yotpo(review, site: str) -> dict[str, str]:
    return {
        "review_title": review.title,
        "review_content": review.body,
        "review_score": str(review.rating),
        "date": _date(review.created_at),
        "product_id": review.product.external_id,
        "product_title": review.product.title,
        "product_url": f"https://{review.product.store.domain}/products/{review.product.handle}"
        if review.product.handle
        else "",
        "display_name": review.display_name,
        "email": _email_of(review),
        "comment_content": review.reply_body,
        "published": "true" if review.state == "published" else "false",
        "published_image_url": ";".join(_photo_urls(review, site)),
        "user_type": "verified_buyer" if review.verified_buyer else "anonymous_user",
        "md_customer_country": "",
    }


# ---------------------------------------------------------------- Okendo

OKENDO_COLUMNS = (
    "productId",
    "handle",
    "sku",
    "name",
    "email",
    "rating",
    "title",
    "body",
    "dateCreated",
    "countryCode",
    "imageUrls",
    "reply",
    "isVerifiedBuyer",
)


def _read_okendo(row: dict[str, str]) -> ImportedReview:
    product_id = _cell(row, "productId")
    return ImportedReview(
        rating=_cell(row, "rating"),
        title=_cell(row, "title"),
        body=_cell(row, "body"),
        name=_cell(row, "name"),
        email=_cell(row, "email"),
        created_at=_moment(_cell(row, "dateCreated"), "dateCreated"),
        # Okendo's API prefixes ids with the platform ("shopify-123"); its template may too.
        product_external_id=product_id.split("-", 1)[-1] if "-" in product_id else product_id,
        product_handle=_cell(row, "handle"),
        sku=_cell(row, "sku"),
        reply=_cell(row, "reply"),
        photo_urls=_urls(_cell(row, "imageUrls")),
    )


def _write_okendo(review, site: str) -> dict[str, str]:
    return {
        "productId": review.product.external_id,
        "handle": review.product.handle,
        "sku": "",
        "name": review.display_name,
        "email": _email_of(review),
        "rating": str(review.rating),
        "title": review.title,
        "body": review.body,
        "dateCreated": review.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "countryCode": "",
        "imageUrls": ",".join(_photo_urls(review, site)),
        "reply": review.reply_body,
        "isVerifiedBuyer": "true" if review.verified_buyer else "false",
    }


FORMATS: dict[str, ReviewCsvFormat] = {
    layout.name: layout
    for layout in (
        ReviewCsvFormat(
            "judgeme",
            "Judge.me",
            JUDGEME_COLUMNS,
            ("title", "body", "rating", "reviewer_name"),
            _read_judgeme,
            _write_judgeme,
        ),
        ReviewCsvFormat(
            "yotpo",
            "Yotpo",
            YOTPO_COLUMNS,
            ("review_title", "review_content", "review_score", "product_id"),
            _read_yotpo,
            _write_yotpo,
        ),
        ReviewCsvFormat(
            "okendo",
            "Okendo",
            OKENDO_COLUMNS,
            ("name", "body", "rating"),
            _read_okendo,
            _write_okendo,
        ),
    )
}


class CsvLayoutError(ValueError):
    """The file is not in the layout named (missing columns, not a CSV)."""


@dataclass
class RowError:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    photo_urls_skipped: int = 0


def read_rows(file: TextIO, layout: ReviewCsvFormat) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; refuses a file without the layout's columns."""
    reader = csv.DictReader(file)
    header = [name.strip().lstrip("\ufeff") for name in (reader.fieldnames or [])]
    missing = [column for column in layout.required if column not in header]
    if missing:
        raise CsvLayoutError(
            _(
                "This is not a %(label)s review export: the columns %(missing)s are missing "
                "(found: %(found)s)."
            )
            % {
                "label": layout.label,
                "missing": ", ".join(missing),
                "found": ", ".join(header[:12]) or _("nothing"),
            }
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, row


def write_rows(file: TextIO, layout: ReviewCsvFormat, reviews: Iterable) -> int:
    writer = csv.DictWriter(file, fieldnames=list(layout.columns))
    writer.writeheader()
    site = settings.SITE_URL.rstrip("/")
    written = 0
    for review in reviews:
        writer.writerow(layout.write(review, site))
        written += 1
    return written


ProgressCallback = Callable[[ImportReport], None]
PROGRESS_EVERY = 100


def import_reviews_csv(
    file: TextIO,
    *,
    store,
    layout: ReviewCsvFormat,
    progress: ProgressCallback | None = None,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportReport:
    """Every row through services.import_review, each in its own transaction: a bad row is
    reported (line, column, message) and skipped, the others are imported."""
    from django.db import IntegrityError, transaction

    from flywheel.core.exceptions import DomainError
    from flywheel.reviews import services

    report = ImportReport()
    for line, row in read_rows(file, layout):
        report.rows += 1
        try:
            with transaction.atomic():
                imported = layout.read(row)
                _review, created = services.import_review(
                    store=store, row=imported, source=layout.name
                )
        except DomainError as error:
            problem = RowError(line, error.field, error.message)
        except IntegrityError:
            problem = RowError(line, None, _("This review is already in the community."))
        else:
            problem = None
            if created:
                report.imported += 1
                report.photo_urls_skipped += len(imported.photo_urls)
            else:
                report.unchanged += 1
        if problem is not None:
            report.errors.append(problem)
            if on_error is not None:
                on_error(problem)
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(report)
    if progress is not None and report.rows % PROGRESS_EVERY:
        progress(report)
    return report


def reviews_to_export(*, store=None, product=None, include_unpublished: bool = False):
    from django.db.models import Prefetch

    from flywheel.reviews.models import Review, ReviewPhoto, ReviewState

    reviews = Review.objects.select_related("author", "customer", "product__store")
    if store is not None:
        reviews = reviews.filter(product__store=store)
    if product is not None:
        reviews = reviews.filter(product=product)
    if not include_unpublished:
        reviews = reviews.filter(state=ReviewState.PUBLISHED)
    return reviews.order_by("id").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
    )
