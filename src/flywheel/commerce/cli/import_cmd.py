"""`flywheel commerce import` (REST back-fill) and `flywheel commerce import-csv` (Shopify
CSV exports), with progress on the terminal."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from flywheel.commerce.adapters import StoreAdapterError
from flywheel.commerce.backfill import RESOURCES, run_backfill
from flywheel.commerce.csv_import import CsvFormatError, import_customers_csv, import_orders_csv
from flywheel.commerce.models import Store


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import", help=_("Import a shop's history (customers, products, orders) over its API.")
    )
    parser.add_argument("--store", required=True, help=_("The shop's domain."))
    parser.add_argument(
        "--since",
        default=None,
        help=_("Only records changed since this date or time (ISO 8601, UTC)."),
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help=_("Continue an interrupted import from the page where it stopped."),
    )
    parser.add_argument(
        "--only",
        default=",".join(RESOURCES),
        help=_("Comma-separated resources to import (default: %(default)s)."),
    )
    parser.set_defaults(handler=handle_import)

    csv_parser = subparsers.add_parser(
        "import-csv", help=_("Import Shopify's customers and orders CSV exports.")
    )
    csv_parser.add_argument("--store", required=True, help=_("The shop's domain."))
    csv_parser.add_argument("--customers", type=Path, help=_("The customers export (CSV)."))
    csv_parser.add_argument("--orders", type=Path, help=_("The orders export (CSV)."))
    csv_parser.set_defaults(handler=handle_import_csv)


def find_store(domain: str) -> Store:
    store = Store.objects.filter(domain=(domain or "").strip().lower()).first()
    if store is None:
        raise CommandError(
            _("No connected store %(domain)s; connect it with `flywheel commerce connect`.")
            % {"domain": domain}
        )
    return store


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(
                _("--since: %(value)r is not a date (2024-01-31) or time (2024-01-31T12:00Z).")
                % {"value": value}
            )
        moment = datetime.combine(day, time.min)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def handle_import(command, options) -> None:
    store = find_store(options["store"])
    since = parse_since(options["since"])
    resources = [name.strip() for name in options["only"].split(",") if name.strip()]
    unknown = set(resources) - set(RESOURCES)
    if unknown:
        raise CommandError(
            _("--only: unknown resource %(names)s; choose from %(choices)s.")
            % {"names": ", ".join(sorted(unknown)), "choices": ", ".join(RESOURCES)}
        )

    def progress(report, page, requests) -> None:
        command.stdout.write(
            _(
                "%(resource)s: page %(pages)d, %(records)d records "
                "(%(rate).1f records/s, %(requests)d requests)"
            )
            % {
                "resource": report.resource,
                "pages": report.pages,
                "records": report.records,
                "rate": report.records_per_second,
                "requests": requests,
            }
        )

    command.stdout.write(
        _("Importing from %(store)s%(since)s%(resume)s…")
        % {
            "store": store,
            "since": _(" changed since %s") % since.isoformat() if since else "",
            "resume": _(", resuming") if options["resume"] else "",
        }
    )
    try:
        report = run_backfill(
            store=store,
            since=since,
            resume=options["resume"],
            resources=resources,
            progress=progress,
        )
    except StoreAdapterError as error:
        raise CommandError(
            _("%(error)s\nThe pages imported so far are kept; run again with --resume to continue.")
            % {"error": error}
        ) from error
    for resource in report.resources:
        if resource.already_complete:
            command.stdout.write(
                _("%(resource)s: already complete (%(records)d records); nothing to resume.")
                % {"resource": resource.resource, "records": resource.records}
            )
        if resource.rejected:
            command.stderr.write(
                _("%(resource)s: %(count)d records were unreadable and skipped (see the log).")
                % {"resource": resource.resource, "count": resource.rejected}
            )
    command.stdout.write(
        command.style.SUCCESS(
            _(
                "Done: %(records)d records in %(seconds).1f s, %(requests)d requests, "
                "%(waited).1f s waiting for rate limits."
            )
            % {
                "records": report.records,
                "seconds": report.seconds,
                "requests": report.requests,
                "waited": report.waited_seconds,
            }
        )
    )


def handle_import_csv(command, options) -> None:
    store = find_store(options["store"])
    if not options["customers"] and not options["orders"]:
        raise CommandError(_("Give --customers FILE, --orders FILE or both."))
    if store.platform != "shopify":
        raise CommandError(
            _("CSV import reads Shopify's exports; %(store)s is not a Shopify shop.")
            % {"store": store.domain}
        )

    def report_error(error) -> None:
        command.stderr.write(
            _("line %(line)d: %(message)s") % {"line": error.line, "message": error.message}
        )

    failed = False
    # Customers first, so orders attach to the customers they belong to.
    for label, path, importer in (
        (_("customers"), options["customers"], import_customers_csv),
        (_("orders"), options["orders"], import_orders_csv),
    ):
        if not path:
            continue
        try:
            with path.open(newline="", encoding="utf-8-sig") as file:
                report = importer(store=store, file=file, on_error=report_error)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        except (CsvFormatError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        summary = _("%(label)s: %(imported)d imported from %(rows)d rows, %(skipped)d skipped.") % {
            "label": label,
            "imported": report.imported,
            "rows": report.rows,
            "skipped": len(report.errors),
        }
        if report.errors:
            failed = True
            command.stdout.write(command.style.WARNING(summary))
        else:
            command.stdout.write(command.style.SUCCESS(summary))
    if failed:
        command.stdout.write(
            _(
                "Fix the lines above and import the file again; imported rows update, never duplicate."
            )
        )
