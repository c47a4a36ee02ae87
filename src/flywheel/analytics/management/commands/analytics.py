"""`flywheel analytics rebuild [--since YYYY-MM-DD]`, `update` and `send-weekly [--dry-run]`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from flywheel.analytics import services


class Command(BaseCommand):
    help = "Rebuild or update the analytics rollups the staff console reads."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="Recompute the rollups from the source tables.")
        rebuild.add_argument(
            "--since",
            help="Only members, customers and questions with activity or orders on or after "
            "this day (YYYY-MM-DD).",
        )
        sub.add_parser("update", help="Recompute what changed since the last run (as the task).")
        weekly = sub.add_parser(
            "send-weekly",
            help="E-mail last week's figures to the brand team (once per week and person).",
        )
        weekly.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send nothing."
        )

    def handle(self, *args, action: str, since: str | None = None, **options):
        if action == "send-weekly":
            self._send_weekly(dry_run=options.get("dry_run", False))
            return
        if action == "update":
            result = services.update_rollups()
            self.stdout.write(self._summary(result))
            return
        day = None
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since: give a day as YYYY-MM-DD.") from None
        result = services.rebuild_rollups(since=day, progress=self._progress)
        self.stdout.write(self._summary(result))

    def _progress(self, stage: str, done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        self.stdout.write(f"{stage}: {done}/{total} ({percent}%)")

    def _summary(self, result: dict) -> str:
        return "recomputed " + ", ".join(f"{count} {name}" for name, count in result.items())

    def _send_weekly(self, *, dry_run: bool) -> None:
        result = services.send_weekly_staff_report(dry_run=dry_run)
        for email, subject in result["messages"]:
            self.stdout.write(f"{'would send' if dry_run else 'to'} {email}: {subject}")
        self.stdout.write(
            f"week of {result['week_start'].isoformat()}: {result['sent']} sent, "
            f"{result['failed']} failed, {result['already_sent']} already sent earlier"
        )
