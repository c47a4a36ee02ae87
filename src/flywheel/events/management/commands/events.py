"""`flywheel events send-reminders`: the periodic reminder pass, now (the beat runs it every
five minutes; this is for operators and for cron without Celery beat)."""

from django.core.management.base import BaseCommand

from flywheel.events.services import send_event_reminders


class Command(BaseCommand):
    help = "Send the event reminder e-mails that are due (24 h and 1 h before); each goes once."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("send-reminders", help="Send the reminders due now.")

    def handle(self, *args, action: str, **options):
        sent = send_event_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders sent: {sent['day']} a day before, {sent['hour']} an hour before."
            )
        )
