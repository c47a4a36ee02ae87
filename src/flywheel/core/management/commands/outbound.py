"""`flywheel outbound replay --id N | --dead` and `flywheel outbound sweep`: calls to services
outside Flywheel (Discord, Slack, Telegram…), docs/architecture.md, "Outbound calls"."""

from django.core.management.base import BaseCommand, CommandError

from flywheel.core import outbound
from flywheel.core.models import DeliveryState, OutboundMessage


class Command(BaseCommand):
    help = "Outbound messages: replay dead (or chosen) ones, or sweep for due ones now."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        replay = actions.add_parser("replay", help="Send again, with a fresh set of attempts.")
        which = replay.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", type=int, action="append", help="A message id (repeatable).")
        which.add_argument("--dead", action="store_true", help="Every dead message.")
        actions.add_parser(
            "sweep",
            help="Hand out messages never dispatched or due again (what beat runs every "
            "minute); without a broker they are sent here.",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "sweep":
            from flywheel.core.tasks import sweep_outbound_messages

            count = sweep_outbound_messages.apply().get()
            self.stdout.write(f"Handed out {count} due messages.")
            return
        if options["dead"]:
            messages = OutboundMessage.objects.filter(state=DeliveryState.DEAD)
        else:
            messages = OutboundMessage.objects.filter(pk__in=options["id"])
            missing = set(options["id"]) - set(messages.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No message with id {', '.join(map(str, sorted(missing)))}.")
        count = outbound.replay_outbound(messages)
        self.stdout.write(f"Queued {count} messages again.")
