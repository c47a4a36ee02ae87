"""`flywheel analytics rebuild [--since YYYY-MM-DD]` and `flywheel analytics update`."""

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

    def handle(self, *args, action: str, since: str | None = None, **options):
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
