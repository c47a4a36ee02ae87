"""`flywheel commerce sync`: run the reconciliation pass for one shop now, with progress."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from flywheel.commerce.adapters import StoreAdapterError
from flywheel.commerce.cli.import_cmd import find_store, parse_since
from flywheel.commerce.reconcile import reconcile_store


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sync", help=_("Repair orders a lost webhook missed (what the hourly task does).")
    )
    parser.add_argument("--store", required=True, help=_("The shop's domain."))
    parser.add_argument(
        "--since",
        default=None,
        help=_("Look at orders changed since this date or time instead of the last sync."),
    )
    parser.set_defaults(handler=handle)


def handle(command, options) -> None:
    store = find_store(options["store"])

    def progress(report, page) -> None:
        command.stdout.write(
            _("page %(pages)d: %(checked)d orders checked, %(repaired)d repaired")
            % {"pages": report.pages, "checked": report.checked, "repaired": report.repaired}
        )

    try:
        report = reconcile_store(
            store=store, since=parse_since(options["since"]), progress=progress
        )
    except StoreAdapterError as error:
        raise CommandError(str(error)) from error
    command.stdout.write(
        command.style.SUCCESS(
            _(
                "%(store)s: orders changed since %(since)s checked: %(checked)d; "
                "%(missing)d missing and %(outdated)d outdated repaired "
                "(%(requests)d requests, %(seconds).1f s)."
            )
            % {
                "store": store.domain,
                "since": report.since.isoformat(timespec="minutes"),
                "checked": report.checked,
                "missing": report.missing,
                "outdated": report.outdated,
                "requests": report.requests,
                "seconds": report.seconds,
            }
        )
    )
    if report.rejected:
        command.stderr.write(
            _("%(count)d orders were unreadable and skipped (see the log).")
            % {"count": report.rejected}
        )
