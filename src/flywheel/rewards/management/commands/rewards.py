"""`flywheel rewards <recompute|install-defaults|approve|expire|tiers>`."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from flywheel.rewards import rules, services
from flywheel.rewards.defaults import install_defaults


class Command(BaseCommand):
    help = "Rewards: back-apply rules to the Activity log, install the default programme, run the periodic jobs now."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        recompute = commands.add_parser(
            "recompute",
            help="Replay the Activity log through the rules; adds only what is missing.",
        )
        recompute.add_argument("--since", help="Only activities at or after this ISO time.")
        recompute.add_argument("--quiet", action="store_true")
        commands.add_parser("install-defaults", help="Create the default rules, tiers and perks.")
        commands.add_parser("approve", help="Approve order points whose refund window passed.")
        commands.add_parser("expire", help="Send expiry warnings and expire idle points.")
        commands.add_parser("tiers", help="Re-evaluate every member's VIP tier.")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "recompute":
            self._recompute(options)
        elif action == "install-defaults":
            counts = install_defaults()
            self.stdout.write(
                "Installed {rules} rules, {tiers} tiers, {perks} perks "
                "(existing ones left as they are).".format(**counts)
            )
        elif action == "approve":
            self.stdout.write(f"Approved {services.approve_matured_points()} pending entries.")
        elif action == "expire":
            warned = services.send_expiry_warnings()
            expired = services.expire_points()
            self.stdout.write(f"Warned {warned} members; expired points of {expired}.")
        elif action == "tiers":
            promoted, demoted = services.evaluate_tiers()
            self.stdout.write(f"Promoted {promoted}, demoted {demoted}.")

    def _recompute(self, options) -> None:
        since = None
        if options.get("since"):
            since = parse_datetime(options["since"])
            if since is None or since.tzinfo is None:
                raise CommandError("--since needs an ISO time with a zone, e.g. 2025-01-01T00:00Z")
        quiet = options["quiet"]
        started = time.monotonic()

        def progress(read: int, total: int, written: int) -> None:
            if not quiet:
                percent = 100 if not total else read * 100 // total
                self.stdout.write(
                    f"  {read}/{total} activities ({percent}%), {written} new ledger entries"
                )

        read, written = rules.recompute(since=since, progress=progress)
        self.stdout.write(
            f"Recomputed {read} activities in {time.monotonic() - started:.1f}s: "
            f"{written} new ledger entries."
        )
