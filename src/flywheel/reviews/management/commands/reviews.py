"""`flywheel reviews import-csv` and `flywheel reviews export-csv`: move reviews in from and
out to Judge.me, Yotpo or Okendo (reviews/csv_formats.py), with progress on the terminal and
one line per refused row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from flywheel.commerce.models import Product, Store
from flywheel.reviews.csv_formats import (
    FORMATS,
    CsvLayoutError,
    import_reviews_csv,
    reviews_to_export,
    write_rows,
)


def _store(domain: str) -> Store:
    store = Store.objects.filter(domain=(domain or "").strip().lower()).first()
    if store is None:
        raise CommandError(
            _("No connected store %(domain)s; connect it with `flywheel commerce connect`.")
            % {"domain": domain}
        )
    return store


class Command(BaseCommand):
    help = "Reviews: import and export CSV in the layouts of Judge.me, Yotpo and Okendo."

    def add_arguments(self, parser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="subcommand")
        subparsers.required = True
        formats = sorted(FORMATS)
        importer = subparsers.add_parser(
            "import-csv", help=_("Import another reviews app's CSV export.")
        )
        importer.add_argument("file", type=Path, help=_("The CSV file."))
        importer.add_argument("--format", required=True, choices=formats)
        importer.add_argument("--store", required=True, help=_("The shop's domain."))
        exporter = subparsers.add_parser(
            "export-csv", help=_("Write the reviews as CSV in another reviews app's layout.")
        )
        exporter.add_argument("--format", required=True, choices=formats)
        exporter.add_argument("--store", help=_("Only this shop's products (its domain)."))
        exporter.add_argument("--product", type=int, help=_("Only this product (its id here)."))
        exporter.add_argument(
            "--all-states",
            action="store_true",
            help=_("Also pending and rejected reviews (default: published only)."),
        )
        exporter.add_argument(
            "--output", type=Path, help=_("Write to this file (default: standard output).")
        )

    def handle(self, *args, **options) -> None:
        if options["subcommand"] == "import-csv":
            self.import_csv(options)
        else:
            self.export_csv(options)

    def import_csv(self, options) -> None:
        layout = FORMATS[options["format"]]
        store = _store(options["store"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})

        def progress(report) -> None:
            self.stdout.write(
                _("%(rows)d rows read: %(imported)d imported, %(unchanged)d already here, ")
                % {"rows": report.rows, "imported": report.imported, "unchanged": report.unchanged}
                + ngettext("%(errors)d refused", "%(errors)d refused", len(report.errors))
                % {"errors": len(report.errors)}
            )

        def on_error(problem) -> None:
            self.stderr.write(str(problem))

        self.stdout.write(
            _("Importing %(label)s reviews into %(store)s from %(path)s…")
            % {"label": layout.label, "store": store.domain, "path": path}
        )
        try:
            with path.open(newline="", encoding="utf-8-sig") as file:
                report = import_reviews_csv(
                    file, store=store, layout=layout, progress=progress, on_error=on_error
                )
        except CsvLayoutError as error:
            raise CommandError(str(error)) from error
        except UnicodeDecodeError as error:
            raise CommandError(
                _("%(path)s is not UTF-8 text; save it as CSV (UTF-8) and try again.")
                % {"path": path}
            ) from error
        if report.photo_urls_skipped:
            self.stdout.write(
                ngettext(
                    "%(count)d photo URL was not downloaded (photos are not imported).",
                    "%(count)d photo URLs were not downloaded (photos are not imported).",
                    report.photo_urls_skipped,
                )
                % {"count": report.photo_urls_skipped}
            )
        message = _(
            "Done: %(imported)d imported, %(unchanged)d already here, %(errors)d refused."
        ) % {
            "imported": report.imported,
            "unchanged": report.unchanged,
            "errors": len(report.errors),
        }
        self.stdout.write(
            self.style.WARNING(message) if report.errors else self.style.SUCCESS(message)
        )

    def export_csv(self, options) -> None:
        layout = FORMATS[options["format"]]
        store = _store(options["store"]) if options.get("store") else None
        product = None
        if options.get("product") is not None:
            product = Product.objects.filter(pk=options["product"]).first()
            if product is None:
                raise CommandError(_("No product %(id)s.") % {"id": options["product"]})
        reviews = reviews_to_export(
            store=store, product=product, include_unpublished=options["all_states"]
        )
        output = options.get("output")
        if output:
            with output.open("w", newline="", encoding="utf-8") as file:
                count = write_rows(file, layout, reviews.iterator(chunk_size=500))
            self.stderr.write(
                ngettext(
                    "%(count)d review written to %(path)s.",
                    "%(count)d reviews written to %(path)s.",
                    count,
                )
                % {"count": count, "path": output}
            )
        else:
            write_rows(self.stdout, layout, reviews.iterator(chunk_size=500))
