from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from flywheel.notifications.emails import send_weekly_digests


class Command(BaseCommand):
    help = "Send the weekly digest to every member due one (the Celery beat task does this weekly)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, send nothing.")
        parser.add_argument("--member", metavar="HANDLE", help="Only this member.")

    def handle(self, *args, dry_run: bool, member: str | None, **options):
        if member and not get_user_model().objects.filter(handle__iexact=member).exists():
            raise CommandError(f"No member with the handle {member!r}.")
        count = send_weekly_digests(
            dry_run=dry_run, handle=member, progress=lambda line: self.stdout.write(line)
        )
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} digest(s)."))
